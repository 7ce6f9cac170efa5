package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tiled-maps/tiled/report"
)

// Aliases is the report.AliasStore view of a DB.
type Aliases struct{ db *DB }

// Aliases returns the store's source aliases.
func (db *DB) Aliases() *Aliases { return &Aliases{db: db} }

var _ report.AliasStore = (*Aliases)(nil)

// SourceAliases lists the aliases by source and alias.
func (s *Aliases) SourceAliases(ctx context.Context) ([]report.Alias, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT source_id, alias FROM source_aliases ORDER BY source_id COLLATE "C", alias COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (report.Alias, error) {
		var a report.Alias
		err := r.Scan(&a.Source, &a.Alias)
		return a, err
	})
}

// AddSourceAlias stores an alias of a registered source (adding one twice is no error).
func (s *Aliases) AddSourceAlias(ctx context.Context, a report.Alias) error {
	a.Alias = strings.TrimSpace(a.Alias)
	if a.Alias == "" || len(a.Alias) > 200 {
		return fmt.Errorf("%w: an alias is 1 to 200 bytes of text", report.ErrInvalid)
	}
	return s.db.writeTx(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM sources WHERE id = $1", a.Source).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%w: no source %q in the registry", report.ErrInvalid, a.Source)
		}
		_, err := tx.Exec(ctx, `INSERT INTO source_aliases (source_id, alias, added_at) VALUES ($1, $2, now())
			ON CONFLICT DO NOTHING`, a.Source, a.Alias)
		return err
	})
}
