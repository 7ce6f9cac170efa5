package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/tiled-maps/tiled/report"
)

// Aliases is the report.AliasStore view of a DB.
type Aliases struct{ db *DB }

// Aliases returns the store's source aliases.
func (db *DB) Aliases() *Aliases { return &Aliases{db: db} }

var _ report.AliasStore = (*Aliases)(nil)

// SourceAliases lists the aliases by source and alias.
func (s *Aliases) SourceAliases(ctx context.Context) ([]report.Alias, error) {
	rows, err := s.db.read.QueryContext(ctx, "SELECT source_id, alias FROM source_aliases ORDER BY source_id, alias")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []report.Alias
	for rows.Next() {
		var a report.Alias
		if err := rows.Scan(&a.Source, &a.Alias); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AddSourceAlias stores an alias of a registered source.
func (s *Aliases) AddSourceAlias(ctx context.Context, a report.Alias) error {
	a.Alias = strings.TrimSpace(a.Alias)
	if a.Alias == "" || len(a.Alias) > 200 {
		return fmt.Errorf("%w: an alias is 1 to 200 bytes of text", report.ErrInvalid)
	}
	return s.db.writeTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sources WHERE id = ?", a.Source).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%w: no source %q in the registry", report.ErrInvalid, a.Source)
		}
		_, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO source_aliases (source_id, alias, added_at) VALUES (?, ?, ?)",
			a.Source, a.Alias, now())
		return err
	})
}
