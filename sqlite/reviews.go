package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/tiled-maps/tiled/ledger"
)

// Reviews is the store of the desk's decisions about proposed claims (table proposal_reviews, migration 020).
type Reviews struct{ db *DB }

// Reviews returns the store's proposal reviews.
func (db *DB) Reviews() *Reviews { return &Reviews{db: db} }

// Reject records that a proposal was rejected; a proposal already decided gives a *ledger.ReviewedError.
func (r *Reviews) Reject(ctx context.Context, rv ledger.Review) error {
	rv.Decision, rv.ClaimID = ledger.DecisionRejected, 0
	return r.db.writeTx(ctx, func(tx *sql.Tx) error { return insertReview(ctx, tx, rv) })
}

// Reviews returns the decisions about report's proposals, by proposal index.
func (r *Reviews) Reviews(ctx context.Context, report int64) ([]ledger.Review, error) {
	rows, err := r.db.read.QueryContext(ctx, `SELECT report_id, proposal, decision, coalesce(claim_id, 0), reviewed_by,
		reviewed_at, coalesce(reason, '') FROM proposal_reviews WHERE report_id = ? ORDER BY proposal`, report)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ledger.Review{}
	for rows.Next() {
		rv, err := scanReview(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, rv)
	}
	return out, rows.Err()
}

// ReviewCounts returns how many proposals of each report have been decided.
func (r *Reviews) ReviewCounts(ctx context.Context) (map[int64]int, error) {
	rows, err := r.db.read.QueryContext(ctx, "SELECT report_id, count(*) FROM proposal_reviews GROUP BY report_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

func scanReview(r rowScanner) (ledger.Review, error) {
	var rv ledger.Review
	var at string
	if err := r.Scan(&rv.ReportID, &rv.Proposal, &rv.Decision, &rv.ClaimID, &rv.By, &at, &rv.Reason); err != nil {
		return rv, err
	}
	rv.At, _ = time.Parse(timeFormat, at)
	return rv, nil
}

// insertReview adds a proposal's review row inside tx; when the proposal already has one, it returns a
// *ledger.ReviewedError naming it.
func insertReview(ctx context.Context, tx *sql.Tx, rv ledger.Review) error {
	if rv.At.IsZero() {
		rv.At = time.Now()
	}
	var claim any
	if rv.ClaimID != 0 {
		claim = rv.ClaimID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO proposal_reviews (report_id, proposal, decision, claim_id, reviewed_by,
		reviewed_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)`, rv.ReportID, rv.Proposal, rv.Decision, claim, rv.By,
		rv.At.UTC().Format(timeFormat), nullStr(rv.Reason))
	if isConstraint(err, sqlite3.ErrConstraintPrimaryKey) {
		first, err2 := scanReview(tx.QueryRowContext(ctx, `SELECT report_id, proposal, decision, coalesce(claim_id, 0),
			reviewed_by, reviewed_at, coalesce(reason, '') FROM proposal_reviews WHERE report_id = ? AND proposal = ?`,
			rv.ReportID, rv.Proposal))
		if err2 != nil && !errors.Is(err2, sql.ErrNoRows) {
			return err2
		}
		return &ledger.ReviewedError{First: first}
	}
	return err
}
