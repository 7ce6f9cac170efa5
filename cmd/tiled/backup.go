package main

import (
	"context"
	"fmt"
	"os"

	"github.com/tiled-maps/tiled/postgres"
	"github.com/tiled-maps/tiled/store"
)

func backupCommands() []command {
	return []command{
		{"backup", "backup [--db PATH] OUT",
			"write a consistent copy of the store to the new file OUT, safe while the server runs (SQLite online backup; pg_dump for PostgreSQL)", cmdBackup},
	}
}

func cmdBackup(ctx context.Context, e env, args []string) error {
	var dbPath string
	fs := newFlags(e, "backup", "backup [--db PATH] OUT", &dbPath)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("backup takes one OUT file, got %d arguments", len(pos))
	}
	if _, err := os.Stat(dbPath); err != nil && !postgres.IsDSN(dbPath) {
		return fmt.Errorf("backup: no store at %s: %w", dbPath, err)
	}
	db, err := openDB(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	kind, err := db.Backup(ctx, pos[0])
	if err != nil {
		return err
	}
	st, err := os.Stat(pos[0])
	if err != nil {
		return err
	}
	if kind == store.BackupSQLite && db.Kind() == store.KindSQLite {
		fmt.Fprintf(e.stdout, "backed up %s to %s (%d bytes, checked)\n", db.Location(), pos[0], st.Size())
		return nil
	}
	note := ""
	if kind == store.BackupSQLite {
		note = "; pg_dump not found, so the database was copied into a GeoPackage (restore with tiled copy)"
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s: %s, %d bytes%s\n", db.Location(), pos[0], kind, st.Size(), note)
	return nil
}
