package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tiled-maps/tiled/report"
)

// Reports is the report.Store view of a DB.
type Reports struct{ db *DB }

// Reports returns the store's reports table.
func (db *DB) Reports() *Reports { return &Reports{db: db} }

var _ report.Store = (*Reports)(nil)

// AddReport stores r in one transaction.
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
	err = s.db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO reports (id, title, outlet, url, published_at, language, text, result,
			claims, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, r.Title, r.Outlet, r.URL,
			r.PublishedAt, r.Language, r.Text, string(result), len(r.Claims), r.RecordedAt.UTC().Format(timeFormat), r.RecordedBy)
		if err != nil {
			return err
		}
		r.ID, err = res.LastInsertId()
		return err
	})
	return r, err
}

// Report returns one report with its text and result.
func (s *Reports) Report(ctx context.Context, id int64) (report.Stored, error) {
	var r report.Stored
	var result, recorded string
	err := s.db.read.QueryRowContext(ctx, `SELECT id, title, outlet, url, published_at, language, text, result,
		recorded_at, recorded_by FROM reports WHERE id = ?`, id).Scan(&r.ID, &r.Title, &r.Outlet, &r.URL,
		&r.PublishedAt, &r.Language, &r.Text, &result, &recorded, &r.RecordedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("%w: no report %d", report.ErrNotFound, id)
	}
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(result), &r.Result); err != nil {
		return r, fmt.Errorf("sqlite: report %d: %w", id, err)
	}
	r.Published = r.PublishedAt
	r.RecordedAt, err = time.Parse(timeFormat, recorded)
	return r, err
}

// Reports lists the reports, newest first, without their text and result.
func (s *Reports) Reports(ctx context.Context, p report.Page) ([]report.Stored, error) {
	limit := int64(-1) // SQLite: no limit
	if p.Limit > 0 {
		limit = int64(p.Limit)
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT id, title, outlet, url, published_at, language, recorded_at,
		recorded_by FROM reports WHERE ?1 <= 0 OR id < ?1 ORDER BY id DESC LIMIT ?2`, p.Before, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []report.Stored{}
	for rows.Next() {
		var r report.Stored
		var recorded string
		if err := rows.Scan(&r.ID, &r.Title, &r.Outlet, &r.URL, &r.PublishedAt, &r.Language, &recorded, &r.RecordedBy); err != nil {
			return nil, err
		}
		if r.RecordedAt, err = time.Parse(timeFormat, recorded); err != nil {
			return nil, err
		}
		r.Published = r.PublishedAt
		out = append(out, r)
	}
	return out, rows.Err()
}
