package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Two real GeoNames rows (cities1000, CC BY 4.0), alternate names dropped.
const sample = "486816\tSudzha\tSudzha\t\t51.1976\t35.2726\tP\tPPL\tRU\t\t41\t\t\t\t6940\t\t135\tEurope/Moscow\t2012-01-17\n" +
	"487928\tStaryy Oskol\tStaryy Oskol\t\t51.29667\t37.84167\tP\tPPL\tRU\t\t09\t\t\t\t226977\t\t139\tEurope/Moscow\t2016-12-04\n"

func TestPlaces(t *testing.T) {
	in := filepath.Join(t.TempDir(), "cities.txt")
	if err := os.WriteFile(in, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Places(&out, in, PlacesOptions{N: 5, Jitter: 0.05, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("Places wrote %d rows, want 5", len(lines))
	}
	wantIDs := []string{"486816", "487928", "1000486816", "1000487928", "2000486816"}
	orig := map[string][]string{}
	for _, l := range strings.Split(strings.TrimSuffix(sample, "\n"), "\n") {
		c := strings.Split(l, "\t")
		orig[c[0]] = c
	}
	for i, l := range lines {
		c := strings.Split(l, "\t")
		if len(c) != 19 {
			t.Fatalf("row %d has %d columns, want 19", i, len(c))
		}
		if c[0] != wantIDs[i] {
			t.Errorf("row %d id = %s, want %s", i, c[0], wantIDs[i])
		}
		o := orig[strings.TrimLeft(c[0][len(c[0])-6:], "0")]
		if i < 2 {
			if l+"\n" != strings.Split(sample, "\n")[i]+"\n" {
				t.Errorf("row %d = %q, want the input row unchanged", i, l)
			}
			continue
		}
		for _, col := range []int{4, 5} {
			a, _ := strconv.ParseFloat(c[col], 64)
			b, _ := strconv.ParseFloat(o[col], 64)
			if d := a - b; d > 0.05 || d < -0.05 || d == 0 {
				t.Errorf("row %d column %d moved by %v, want 0 < |d| ≤ 0.05", i, col, d)
			}
		}
		if c[1] != o[1] || c[14] != o[14] {
			t.Errorf("row %d name/population = %s/%s, want %s/%s", i, c[1], c[14], o[1], o[14])
		}
	}
	var again bytes.Buffer
	if err := Places(&again, in, PlacesOptions{N: 5, Jitter: 0.05, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if again.String() != out.String() {
		t.Error("Places is not deterministic for the same seed")
	}
}

func TestPlacesBadInput(t *testing.T) {
	in := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(in, []byte("1\tA\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Places(&bytes.Buffer{}, in, PlacesOptions{N: 3})
	if err == nil || !strings.Contains(err.Error(), ":1: want 19") {
		t.Errorf("Places(bad) = %v, want an error naming line 1", err)
	}
}
