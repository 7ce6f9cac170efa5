package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIRecordsWhoWrote: claims written from the command line carry "cli:USER" (and the file, for an import),
// and the history shows it.
func TestCLIRecordsWhoWrote(t *testing.T) {
	db := seededDB(t)
	csv := filepath.Join(t.TempDir(), "more.csv")
	if err := os.WriteFile(csv, []byte("settlement,source,holder,degree,valid_at,published_at,evidence,summary\n"+
		"ru-bel-demidovka,isw,ua,presence,2025-04-08,2025-04-09,analyst-assessment,Imported by the test.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"add with USER", map[string]string{"USER": "alice"}, []string{"claims", "add", "--settlement", "ru-bel-demidovka",
			"--source", "isw", "--holder", "contested", "--degree", "fighting", "--valid-at", "2025-04-09",
			"--published-at", "2025-04-09", "--evidence", "analyst-assessment", "--summary", "Added by the test."}, "cli:alice"},
		{"add with LOGNAME", map[string]string{"LOGNAME": "bob"}, []string{"claims", "add", "--settlement", "ru-bel-demidovka",
			"--source", "isw", "--holder", "ru", "--degree", "fighting", "--valid-at", "2025-04-09",
			"--published-at", "2025-04-09", "--evidence", "analyst-assessment", "--summary", "Added by Bob."}, "cli:bob"},
		{"add with no user", nil, []string{"claims", "add", "--settlement", "ru-bel-demidovka",
			"--source", "isw", "--holder", "ua", "--degree", "fighting", "--valid-at", "2025-04-09",
			"--published-at", "2025-04-09", "--evidence", "analyst-assessment", "--summary", "Added by nobody."}, "cli"},
		{"import", map[string]string{"USER": "alice"}, []string{"claims", "import", csv}, "cli:alice import more.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			getenv := func(k string) string { return tt.env[k] }
			if err := run(context.Background(), append(tt.args, "--db", db), strings.NewReader(""), &stdout, &stderr, getenv); err != nil {
				t.Fatalf("tiled %s: %v\n%s", strings.Join(tt.args, " "), err, stderr.String())
			}
			cs := allClaims(t, db)
			if got := cs[len(cs)-1].RecordedBy; got != tt.want {
				t.Errorf("tiled %s recorded_by = %q, want %q", tt.args[1], got, tt.want)
			}
		})
	}
	hist := ledgerOK(t, db, "history", "ru-bel-demidovka")
	for _, want := range []string{"RECORDED BY", "cli:alice", "cli:alice import more.csv", "cli:bob"} {
		if !strings.Contains(hist, want) {
			t.Errorf("tiled history lacks %q:\n%s", want, hist)
		}
	}
}
