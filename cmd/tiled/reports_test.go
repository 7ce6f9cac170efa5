package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportsParseJSONContract: the --json output has exactly the members scripts depend on.
func TestReportsParseJSONContract(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	out, errOut, err := tiled(t, "reports", "parse", "--db", db, "--json", "../../report/testdata/dev/dev-01-en.txt")
	if err != nil {
		t.Fatalf("reports parse: %v %s", err, errOut)
	}
	var res map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"published", "language", "places", "claims"} {
		if _, ok := res[k]; !ok {
			t.Errorf("output lacks %q", k)
		}
	}
	var places []map[string]any
	var claims []map[string]any
	json.Unmarshal(res["places"], &places)
	json.Unmarshal(res["claims"], &claims)
	if len(places) == 0 || len(claims) != 3 {
		t.Fatalf("places %d, claims %d: %s", len(places), len(claims), out)
	}
	for _, k := range []string{"mention", "start", "end", "id", "name", "lat", "lon", "ambiguous", "alternatives", "kind"} {
		if _, ok := places[0][k]; !ok {
			t.Errorf("place lacks %q", k)
		}
	}
	for _, k := range []string{"settlement", "source", "source_mention", "holder", "degree", "valid_at", "valid_precision",
		"published_at", "relayed_by", "evidence", "summary", "confidence", "start", "end"} {
		if _, ok := claims[0][k]; !ok {
			t.Errorf("claim lacks %q", k)
		}
	}
	if !strings.Contains(errOut, "loaded the seed data") {
		t.Errorf("an empty store should get the seed data, stderr %q", errOut)
	}
}

// TestReportsParseBadInput: every bad input is a clear error naming the file or flag.
func TestReportsParseBadInput(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"empty", []string{write("empty.txt", nil)}, "empty"},
		{"binary", []string{write("bin.txt", []byte{0, 1, 2, 3, 'a'})}, "binary"},
		{"invalid UTF-8", []string{write("latin1.txt", []byte("Sudzha \xe9t\xe9"))}, "UTF-8"},
		{"too large", []string{write("big.txt", bytes.Repeat([]byte("Sudzha "), 800_000))}, "at most 512 KB"},
		{"bad date", []string{"--published", "18 March", write("ok.txt", []byte("Sudzha"))}, "--published"},
		{"bad language", []string{"--lang", "de", write("ok2.txt", []byte("Sudzha"))}, "--lang"},
		{"no file", []string{filepath.Join(dir, "missing.txt")}, "missing.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := tiled(t, append([]string{"reports", "parse", "--db", db}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("reports parse %v: error %v, want one naming %q", tt.args, err, tt.want)
			}
		})
	}
}

// TestReportsEvalAndAliases: eval prints the totals; an alias added to the registry is read by the parser.
func TestReportsEvalAndAliases(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	out, _, err := tiled(t, "reports", "eval", "--db", db, "../../report/testdata/dev/gold.json", "../../report/testdata/dev")
	if err != nil || !strings.Contains(out, "total") || !strings.Contains(out, "dev-04-uk.txt") {
		t.Fatalf("reports eval = %q, %v", out, err)
	}
	if _, _, err := tiled(t, "sources", "alias", "--db", db, "nobody", "X"); err == nil {
		t.Error("an alias of an unknown source was accepted")
	}
	if _, _, err := tiled(t, "sources", "alias", "--db", db, "rybar", "Mikhail Zvinchuk's channel"); err != nil {
		t.Fatal(err)
	}
	out, _, err = tiled(t, "sources", "alias", "--db", db, "rybar")
	if err != nil || !strings.Contains(out, "Mikhail Zvinchuk's channel\t(registry)") || !strings.Contains(out, "рыбар*\t(built in)") {
		t.Errorf("sources alias rybar = %q, %v", out, err)
	}
}
