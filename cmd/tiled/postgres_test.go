package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/internal/pgtest"
)

var cluster pgtest.Shared

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &cluster)) }

// tiledEnv runs the CLI in-process with environment variables.
func tiledEnv(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	return out.String(), errb.String(), err
}

// TestPostgresCommands runs the commands on PostgreSQL, chosen by --db and by TILED_DB.
func TestPostgresCommands(t *testing.T) {
	dsn := cluster.Database(t)
	if out, errs, err := tiled(t, "seed", "--db", dsn); err != nil || !strings.Contains(out, "loaded the seed data into postgres://") {
		t.Fatalf("seed: %v\n%s%s", err, out, errs)
	}
	env := map[string]string{"TILED_DB": dsn, "USER": "tester"}
	out, errs, err := tiledEnv(t, env, "geocode", "--json", "Prilesye")
	if err != nil || !strings.Contains(out, `"ru-bel-prilesye"`) {
		t.Fatalf("geocode via TILED_DB: %v\n%s%s", err, out, errs)
	}
	out, errs, err = tiledEnv(t, env, "claims", "add", "--settlement", "ru-bel-prilesye", "--source", "isw", "--holder", "ru",
		"--degree", "full", "--valid-at", "2025-03-01", "--published-at", "2025-03-02", "--evidence", "map-update",
		"--summary", "Test claim.")
	if err != nil {
		t.Fatalf("claims add: %v\n%s%s", err, out, errs)
	}
	out, errs, err = tiledEnv(t, env, "claims", "list", "--settlement", "ru-bel-prilesye")
	if err != nil || !strings.Contains(out, "Test claim.") {
		t.Errorf("claims list: %v\n%s%s", err, out, errs)
	}
}

// TestCopyCommand copies PostgreSQL to a file and the file to another database, and checks that the hashes agree.
func TestCopyCommand(t *testing.T) {
	a, b := cluster.Database(t), cluster.Database(t)
	if _, errs, err := tiled(t, "seed", "--db", a); err != nil {
		t.Fatalf("seed: %v %s", err, errs)
	}
	file := filepath.Join(t.TempDir(), "copy.gpkg")
	hashRE := regexp.MustCompile(`content sha256 ([0-9a-f]{64})`)
	out1, errs, err := tiled(t, "copy", "--from", a, "--to", file)
	if err != nil || !hashRE.MatchString(out1) {
		t.Fatalf("copy postgres to file: %v\n%s%s", err, out1, errs)
	}
	out2, errs, err := tiled(t, "copy", "--from", file, "--to", b)
	if err != nil || !hashRE.MatchString(out2) {
		t.Fatalf("copy file to postgres: %v\n%s%s", err, out2, errs)
	}
	if h1, h2 := hashRE.FindStringSubmatch(out1)[1], hashRE.FindStringSubmatch(out2)[1]; h1 != h2 {
		t.Errorf("hashes differ: %s then %s", h1, h2)
	}
	if !strings.Contains(out1, "places,") || strings.Contains(out1, " 0 places") {
		t.Errorf("copy output %q lacks the counts", out1)
	}
	// A second copy into the same, now full, store is refused and changes nothing.
	if _, _, err := tiled(t, "copy", "--from", file, "--to", b); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("copy into a full store = %v, want a refusal", err)
	}
	// A copy that fails leaves no half-written file behind.
	bad := filepath.Join(t.TempDir(), "bad.gpkg")
	if _, _, err := tiled(t, "copy", "--from", a, "--to", bad+"/x"); err == nil {
		t.Error("copy into an impossible path succeeded")
	}
	if _, err := os.Stat(bad); err == nil {
		t.Error("a failed copy left a file behind")
	}
}

// TestBackupPostgres backs a database up with pg_dump when it is installed, else into a GeoPackage.
func TestBackupPostgres(t *testing.T) {
	dsn := cluster.Database(t)
	if _, errs, err := tiled(t, "seed", "--db", dsn); err != nil {
		t.Fatalf("seed: %v %s", err, errs)
	}
	out := filepath.Join(t.TempDir(), "backup")
	msg, errs, err := tiled(t, "backup", "--db", dsn, out)
	if err != nil {
		t.Fatalf("backup: %v\n%s%s", err, msg, errs)
	}
	head := make([]byte, 16)
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Read(head) //nolint:errcheck // checked through head's content
	switch {
	case strings.Contains(msg, "pg_dump custom-format archive"):
		if !bytes.HasPrefix(head, []byte("PGDMP")) {
			t.Errorf("pg_dump backup starts %q, want PGDMP", head)
		}
	case strings.Contains(msg, "pg_dump not found"):
		if !bytes.HasPrefix(head, []byte("SQLite format 3")) {
			t.Errorf("GeoPackage backup starts %q", head)
		}
	default:
		t.Errorf("backup output %q says neither pg_dump nor GeoPackage", msg)
	}
	if _, _, err := tiled(t, "backup", "--db", dsn, out); err == nil {
		t.Error("backup over an existing file succeeded")
	}
}
