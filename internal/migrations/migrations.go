// Package migrations reads a store's versioned schema migrations, files named NNN_name.sql, which both stores
// (sqlite and postgres) apply as a set: a version missing from the store's tiled_schema table is applied.
package migrations

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one schema change.
type Migration struct {
	// Version is the file's number (NNN).
	Version int
	// Name is the rest of the file name, without .sql.
	Name string
	// SQL is the file's text.
	SQL string
}

// Read returns the migrations in directory dir of fsys, ordered by version. store names the store in errors
// ("sqlite", "postgres").
func Read(fsys fs.FS, dir, store string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("%s: migration file %s is not NNN_name.sql", store, e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("%s: two migrations numbered %03d", store, out[i].Version)
		}
	}
	return out, nil
}
