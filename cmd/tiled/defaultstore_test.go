package main

import (
	"os"
	"testing"
)

// TestDefaultStore: without --db the store is tiled.gpkg, unless the working directory holds only a tiled.db from
// before, which keeps being used.
func TestDefaultStore(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{"fresh directory", nil, "tiled.gpkg"},
		{"existing tiled.db", []string{"tiled.db"}, "tiled.db"},
		{"both", []string{"tiled.db", "tiled.gpkg"}, "tiled.gpkg"},
		{"only tiled.gpkg", []string{"tiled.gpkg"}, "tiled.gpkg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			for _, f := range tt.files {
				if err := os.WriteFile(f, nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if got := defaultStore(); got != tt.want {
				t.Errorf("defaultStore() with %v = %q, want %q", tt.files, got, tt.want)
			}
		})
	}
}
