package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiled-maps/tiled/report"
)

// Reports is the report.Store view of a DB.
type Reports struct{ db *DB }

// Reports returns the store's reports table.
func (db *DB) Reports() *Reports { return &Reports{db: db} }

var _ report.Store = (*Reports)(nil)

// AddReport stores r in one transaction, assigning its id and recorded time.
func (s *Reports) AddReport(ctx context.Context, r report.Stored) (report.Stored, error) {
	r.ID, r.RecordedAt = 0, time.Now().UTC().Truncate(time.Millisecond)
	return s.RestoreReport(ctx, r)
}

// RestoreReport stores r keeping its id (when non-zero) and recorded time, as a copy from another store needs.
func (s *Reports) RestoreReport(ctx context.Context, r report.Stored) (report.Stored, error) {
	result, err := json.Marshal(struct {
		Places []report.Place `json:"places"`
		Claims []report.Claim `json:"claims"`
	}{r.Places, r.Claims})
	if err != nil {
		return r, err
	}
	var id any
	if r.ID != 0 {
		id = r.ID
	}
	err = s.db.writeTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO reports (id, title, outlet, url, published_at, language, text, result,
			claims, recorded_at, recorded_by) VALUES (coalesce($1::bigint, nextval('reports_id_seq')), $2, $3, $4, $5,
			$6, $7, $8, $9, $10, $11) RETURNING id`, id, r.Title, r.Outlet, r.URL, r.PublishedAt, r.Language, r.Text,
			string(result), len(r.Claims), r.RecordedAt, r.RecordedBy).Scan(&r.ID)
		if err != nil {
			return err
		}
		// Keep the sequence past restored ids.
		_, err = tx.Exec(ctx, "SELECT setval('reports_id_seq', greatest((SELECT max(id) FROM reports), 1))")
		return err
	})
	return r, err
}

// Report returns one report with its text and result.
func (s *Reports) Report(ctx context.Context, id int64) (report.Stored, error) {
	var r report.Stored
	var result string
	err := s.db.pool.QueryRow(ctx, `SELECT id, title, outlet, url, published_at, language, text, result,
		recorded_at, recorded_by FROM reports WHERE id = $1`, id).Scan(&r.ID, &r.Title, &r.Outlet, &r.URL,
		&r.PublishedAt, &r.Language, &r.Text, &result, &r.RecordedAt, &r.RecordedBy)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("%w: no report %d", report.ErrNotFound, id)
	}
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(result), &r.Result); err != nil {
		return r, fmt.Errorf("postgres: report %d: %w", id, err)
	}
	r.Published, r.RecordedAt = r.PublishedAt, r.RecordedAt.UTC()
	return r, nil
}

// Reports lists the reports, newest first, without their text and result.
func (s *Reports) Reports(ctx context.Context, p report.Page) ([]report.Stored, error) {
	var limit *int // NULL: no limit
	if p.Limit > 0 {
		limit = &p.Limit
	}
	rows, err := s.db.pool.Query(ctx, `SELECT id, title, outlet, url, published_at, language, recorded_at,
		recorded_by FROM reports WHERE $1 <= 0 OR id < $1 ORDER BY id DESC LIMIT $2`, p.Before, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []report.Stored{}
	for rows.Next() {
		var r report.Stored
		if err := rows.Scan(&r.ID, &r.Title, &r.Outlet, &r.URL, &r.PublishedAt, &r.Language, &r.RecordedAt, &r.RecordedBy); err != nil {
			return nil, err
		}
		r.Published, r.RecordedAt = r.PublishedAt, r.RecordedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
