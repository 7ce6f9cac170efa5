package main

import (
	"context"
	"fmt"
	"os"
)

func backupCommands() []command {
	return []command{
		{"backup", "backup [--db PATH] OUT",
			"write a consistent copy of the store to the new file OUT, safe while the server runs (SQLite online backup)", cmdBackup},
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
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("backup: no store at %s: %w", dbPath, err)
	}
	db, err := openDB(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, pos[0]); err != nil {
		return err
	}
	st, err := os.Stat(pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s (%d bytes, checked)\n", dbPath, pos[0], st.Size())
	return nil
}
