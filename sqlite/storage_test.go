package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/sqlite"
)

// TestOpenExplainsWhyNotWritable: a store that cannot be written is refused at Open with a message that says why
// (before: "unable to open database file: no such file or directory" for every case).
func TestOpenExplainsWhyNotWritable(t *testing.T) {
	ctx := context.Background()
	t.Run("missing directory", func(t *testing.T) {
		_, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "nowhere", "tiled.db"))
		if err == nil || !strings.Contains(err.Error(), "does not exist") || !strings.Contains(err.Error(), "nowhere") {
			t.Errorf("Open in a missing directory = %v, want it named as missing", err)
		}
	})
	t.Run("read-only mount", func(t *testing.T) {
		dir := testdb.TmpFS(t, "8m")
		path := filepath.Join(dir, "tiled.db")
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		testdb.RemountReadOnly(t, dir, false)
		defer testdb.RemountReadOnly(t, dir, true)
		for _, p := range []string{path, filepath.Join(dir, "new.db")} {
			_, err := sqlite.Open(ctx, p)
			var se *sqlite.StorageError
			if err == nil || !strings.Contains(err.Error(), "read-only file system") || !errors.As(err, &se) || se.Full {
				t.Errorf("Open(%s) on a read-only mount = %v, want a read-only StorageError saying so", p, err)
			}
		}
	})
	t.Run("not writable by this user", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root writes files whatever their mode: the read-only mount case covers root")
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "tiled.db")
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		if _, err := sqlite.Open(ctx, path); err == nil || !strings.Contains(err.Error(), "not writable") {
			t.Errorf("Open(read-only file) = %v, want it named as not writable", err)
		}
		os.Chmod(path, 0o644)
		os.Chmod(dir, 0o555)
		defer os.Chmod(dir, 0o755)
		if _, err := sqlite.Open(ctx, path); err == nil || !strings.Contains(err.Error(), "not writable") {
			t.Errorf("Open(in a read-only directory) = %v, want it named as not writable", err)
		}
	})
}

// TestDiskFull fills the file system under a store: a write fails with a StorageError that says the disk is full,
// Storage reports it, nothing half-written stays, and once space is freed writes go through again.
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	dir := testdb.TmpFS(t, "4m")
	db, err := sqlite.Open(ctx, filepath.Join(dir, "tiled.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rec := ledger.Recorder{Store: db.Ledger(), Places: db.Gazetteer()}
	add := func(i int) error {
		return rec.AddSource(ctx, ledger.Source{ID: fmt.Sprintf("full-%d", i), Name: strings.Repeat("n", 150),
			Kind: "OSINT map", Alignment: ledger.AlignmentIndependent, Notes: strings.Repeat("x", 1900)})
	}
	if err := add(0); err != nil {
		t.Fatal(err)
	}
	if err := db.Storage(ctx); err != nil {
		t.Fatalf("Storage with room = %v, want nil", err)
	}
	filler := testdb.FillDisk(t, dir)
	var werr error
	n := 1
	for ; n < 200 && werr == nil; n++ {
		werr = add(n)
	}
	var se *sqlite.StorageError
	if !errors.As(werr, &se) || !se.Full || !strings.Contains(werr.Error(), "full") {
		t.Fatalf("AddSource on a full disk = %v, want a StorageError saying the disk is full", werr)
	}
	if err := db.Storage(ctx); !errors.As(err, &se) || !se.Full {
		t.Errorf("Storage on a full disk = %v, want a full StorageError", err)
	}
	srcs, err := db.Ledger().Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if s.ID == fmt.Sprintf("full-%d", n-1) {
			t.Errorf("the refused source %s was stored", s.ID)
		}
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := db.Storage(ctx); err != nil {
		t.Errorf("Storage after freeing space = %v, want nil", err)
	}
	if err := add(n); err != nil {
		t.Errorf("AddSource after freeing space = %v, want nil", err)
	}
	var check string
	if err := db.ReadPool().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check after the full disk = %q, %v; want ok", check, err)
	}
}
