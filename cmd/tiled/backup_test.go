package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/sqlite"
)

// testClaim is the n-th claim a test writer adds: distinct, valid, about a seed settlement.
func testClaim(n int) ledger.Claim {
	return ledger.Claim{SettlementID: "ru-bel-demidovka", SourceID: "isw", Holder: ledger.HolderContested,
		Degree: ledger.DegreeFighting, ValidAt: ledger.MakeDate(2025, 4, 9), PublishedAt: ledger.MakeDate(2025, 4, 9),
		Evidence: ledger.EvidenceAnalystAssessment, Summary: fmt.Sprintf("Test claim %d.", n), RecordedBy: "test"}
}

func integrityCheck(tb testing.TB, path string) string {
	tb.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	var res string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil {
		tb.Fatalf("integrity_check %s: %v", path, err)
	}
	return res
}

func allClaims(tb testing.TB, path string) []ledger.Claim {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	cs, err := db.Ledger().Claims(context.Background(), ledger.ClaimFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	return cs
}

// TestBackupWhileWriting backs the store up while another connection keeps adding claims, then restores the copy:
// it passes integrity_check and holds exactly the claims the store held at one moment (a prefix of the ledger).
func TestBackupWhileWriting(t *testing.T) {
	path := seededDB(t)
	seedClaims := len(allClaims(t, path))
	ctx := context.Background()
	w, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	rec := ledger.Recorder{Store: w.Ledger(), Places: w.Gazetteer()}
	var written atomic.Int64
	stop, done := make(chan struct{}), make(chan error, 1)
	go func() {
		for n := 1; ; n++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if _, err := rec.AddClaim(ctx, testClaim(n)); err != nil {
				done <- err
				return
			}
			written.Add(1)
		}
	}()
	waitWrites := func(n int64) {
		t.Helper()
		for written.Load() < n {
			select {
			case err := <-done:
				t.Fatalf("writer stopped after %d claims: %v", written.Load(), err)
			case <-time.After(time.Millisecond):
			}
		}
	}
	waitWrites(20)
	out := filepath.Join(t.TempDir(), "backup.db")
	msg := ledgerOK(t, path, "backup", out)
	waitWrites(written.Load() + 20)
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("writer: %v", err)
	}
	if !strings.Contains(msg, "backed up") {
		t.Errorf("tiled backup said %q, want \"backed up …\"", msg)
	}
	if res := integrityCheck(t, out); res != "ok" {
		t.Fatalf("integrity_check(backup) = %q, want ok", res)
	}

	// Restore as an operator would: copy the file into place and use it.
	restored := filepath.Join(t.TempDir(), "tiled.db")
	copyFile(t, out, restored)
	got, all := allClaims(t, restored), allClaims(t, path)
	if len(got) <= seedClaims || len(got) >= len(all) {
		t.Errorf("backup holds %d claims, want more than the %d of the seed and fewer than the %d written by the end",
			len(got), seedClaims, len(all))
	}
	if len(got) > len(all) || !reflect.DeepEqual(got, all[:len(got)]) {
		t.Fatalf("backup claims are not a prefix of the store's: backup has %d, store %d", len(got), len(all))
	}
	ledgerOK(t, restored, "claims", "add", "--settlement", "ru-bel-demidovka", "--source", "isw", "--holder", "ua",
		"--degree", "presence", "--valid-at", "2025-04-08", "--published-at", "2025-04-09",
		"--evidence", "analyst-assessment", "--summary", "Written to the restored store.")
	if n := len(allClaims(t, restored)); n != len(got)+1 {
		t.Errorf("restored store holds %d claims after one more, want %d", n, len(got)+1)
	}
}

func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	in, err := os.Open(from)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
}

func TestBackupErrors(t *testing.T) {
	path := seededDB(t)
	dir := t.TempDir()
	taken := filepath.Join(dir, "taken.db")
	if err := os.WriteFile(taken, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		db       string
		args     []string
		wantCode int
		wantIs   error
	}{
		{"no OUT", path, []string{"backup"}, 2, nil},
		{"two OUTs", path, []string{"backup", "a.db", "b.db"}, 2, nil},
		{"OUT exists", path, []string{"backup", taken}, 1, sqlite.ErrBackupExists},
		{"no store", filepath.Join(dir, "missing.db"), []string{"backup", filepath.Join(dir, "x.db")}, 1, os.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ledgerCLI(t, tt.db, tt.args...)
			if err == nil || exitCode(err) != tt.wantCode || (tt.wantIs != nil && !errors.Is(err, tt.wantIs)) {
				t.Errorf("tiled %s = %v (exit %d), want exit %d matching %v", strings.Join(tt.args, " "), err, exitCode(err), tt.wantCode, tt.wantIs)
			}
		})
	}
	if b, _ := os.ReadFile(taken); string(b) != "keep me" {
		t.Errorf("backup overwrote an existing file: it now holds %d bytes", len(b))
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Error("backup of a missing store created it")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*partial*")); len(left) != 0 {
		t.Errorf("backup left partial files: %v", left)
	}
}
