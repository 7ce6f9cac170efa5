package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/tiled-maps/tiled/ledger"
)

// TestClaims: the synthetic claims parse as a claims CSV file, ids increase from FirstID, every claim is about one
// of the first Settlements places, and every correction names an earlier claim of the same settlement and source
// that nothing corrected before.
func TestClaims(t *testing.T) {
	in := filepath.Join(t.TempDir(), "cities.txt")
	if err := os.WriteFile(in, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	opt := ClaimsOptions{N: 3000, FirstID: 11, Settlements: 2, Sources: []string{"isw", "ru-mod"}, Seed: 1}
	if err := Claims(&out, in, opt); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]ledger.Claim{}
	corrected := map[int64]bool{}
	corrections, next := 0, int64(11)
	err := ledger.ReadClaims(&out, "claims.csv", func(line int, c ledger.Claim) error {
		if c.ID != next {
			t.Fatalf("line %d: id %d, want %d", line, c.ID, next)
		}
		next++
		if c.SettlementID != "486816" && c.SettlementID != "487928" {
			t.Errorf("line %d: settlement %s, not one of the input's", line, c.SettlementID)
		}
		if target := c.Supersedes + c.Retracts; target != 0 {
			corrections++
			o, ok := seen[target]
			if !ok || corrected[target] || o.SettlementID != c.SettlementID || o.SourceID != c.SourceID || o.IsRetraction() {
				t.Errorf("line %d: claim %d corrects %d, which is not an earlier uncorrected claim of its settlement and source", line, c.ID, target)
			}
			corrected[target] = true
		}
		seen[c.ID] = c
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != opt.N || corrections == 0 {
		t.Errorf("read %d claims with %d corrections, want %d claims and some corrections", len(seen), corrections, opt.N)
	}
}
