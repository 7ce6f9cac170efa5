package migrations_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tiled-maps/tiled/internal/migrations"
)

func TestRead(t *testing.T) {
	ok := fstest.MapFS{
		"m/010_reports.sql": {Data: []byte("B")},
		"m/002_ledger.sql":  {Data: []byte("A")},
	}
	ms, err := migrations.Read(ok, "m", "sqlite")
	if err != nil || len(ms) != 2 || ms[0].Version != 2 || ms[0].Name != "ledger" || ms[0].SQL != "A" || ms[1].Version != 10 {
		t.Fatalf("Read = %+v, %v; want 002_ledger then 010_reports", ms, err)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"no number":  {"m/ledger.sql": {}},
		"not sql":    {"m/003_x.txt": {}},
		"same twice": {"m/003_a.sql": {}, "m/003_b.sql": {}},
	} {
		if _, err := migrations.Read(fsys, "m", "sqlite"); err == nil || !strings.HasPrefix(err.Error(), "sqlite: ") {
			t.Errorf("Read(%s) = %v, want a sqlite: error", name, err)
		}
	}
}
