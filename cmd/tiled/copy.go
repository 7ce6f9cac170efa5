package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/tiled-maps/tiled/postgres"
	"github.com/tiled-maps/tiled/store"
)

func copyCommands() []command {
	return []command{
		{"copy", "copy --from SRC --to DST",
			"copy a whole store into an empty one, SQLite file or postgres:// URL either way, checked by counts and content hash", cmdCopy},
	}
}

func cmdCopy(ctx context.Context, e env, args []string) error {
	var dbPath, from, to string
	fs := newFlags(e, "copy", "copy --from SRC --to DST", &dbPath)
	fs.StringVar(&from, "from", "", "the store to copy: a SQLite/GeoPackage file or a postgres:// URL (default: --db)")
	fs.StringVar(&to, "to", "", "the empty store to copy into: a new file or a postgres:// URL")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("copy takes no arguments besides --from and --to, got %q", pos)
	}
	if from == "" {
		from = dbPath
	}
	if to == "" {
		return usagef("copy needs --to DST")
	}
	if from == to {
		return usagef("copy: --from and --to are the same store")
	}
	if !postgres.IsDSN(from) {
		if _, err := os.Stat(from); err != nil {
			return fmt.Errorf("copy: no store at %s: %w", from, err)
		}
	}
	created := false
	if !postgres.IsDSN(to) {
		if _, err := os.Stat(to); errors.Is(err, os.ErrNotExist) {
			created = true
		}
	}
	src, err := openDB(ctx, from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := openDB(ctx, to)
	if err != nil {
		return err
	}
	res, err := store.Copy(ctx, src, dst)
	err = errors.Join(err, dst.Close())
	if err != nil {
		if created { // a file this command created holds nothing of value: do not leave a half copy behind
			os.Remove(to)
			os.Remove(to + "-wal")
			os.Remove(to + "-shm")
		}
		return err
	}
	fmt.Fprintf(e.stdout, "copied %s from %s to %s (content sha256 %s, checked on both)\n",
		res.Counts, src.Location(), postgres.Redact(to), res.Hash)
	return nil
}
