package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiled-maps/tiled/ledger"
)

// Reviews is the store of the desk's decisions about proposed claims (table proposal_reviews).
type Reviews struct{ db *DB }

// Reviews returns the store's proposal reviews.
func (db *DB) Reviews() *Reviews { return &Reviews{db: db} }

// Reject records that a proposal was rejected; a proposal already decided gives a *ledger.ReviewedError.
func (r *Reviews) Reject(ctx context.Context, rv ledger.Review) error {
	rv.Decision, rv.ClaimID = ledger.DecisionRejected, 0
	return r.db.writeTx(ctx, func(tx pgx.Tx) error { return insertReview(ctx, tx, rv) })
}

const reviewColumns = `report_id, proposal, decision, coalesce(claim_id, 0), reviewed_by, reviewed_at, coalesce(reason, '')`

// Reviews returns the decisions about report's proposals, by proposal index.
func (r *Reviews) Reviews(ctx context.Context, report int64) ([]ledger.Review, error) {
	rows, err := r.db.pool.Query(ctx, "SELECT "+reviewColumns+" FROM proposal_reviews WHERE report_id = $1 ORDER BY proposal", report)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ledger.Review, error) { return scanReview(r) })
	if out == nil && err == nil {
		out = []ledger.Review{}
	}
	return out, err
}

// ReviewCounts returns how many proposals of each report have been decided.
func (r *Reviews) ReviewCounts(ctx context.Context) (map[int64]int, error) {
	rows, err := r.db.pool.Query(ctx, "SELECT report_id, count(*) FROM proposal_reviews GROUP BY report_id")
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

func scanReview(r pgx.Row) (ledger.Review, error) {
	var rv ledger.Review
	var decision string
	err := r.Scan(&rv.ReportID, &rv.Proposal, &decision, &rv.ClaimID, &rv.By, &rv.At, &rv.Reason)
	rv.Decision, rv.At = ledger.Decision(decision), rv.At.UTC()
	return rv, err
}

// insertReview adds a proposal's review row inside tx (under a savepoint, so that a refusal leaves tx usable); when
// the proposal already has one, it returns a *ledger.ReviewedError naming it.
func insertReview(ctx context.Context, tx pgx.Tx, rv ledger.Review) error {
	if rv.At.IsZero() {
		rv.At = time.Now()
	}
	var claim any
	if rv.ClaimID != 0 {
		claim = rv.ClaimID
	}
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	_, err = sp.Exec(ctx, `INSERT INTO proposal_reviews (report_id, proposal, decision, claim_id, reviewed_by,
		reviewed_at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)`, rv.ReportID, rv.Proposal, string(rv.Decision), claim,
		rv.By, rv.At.UTC().Truncate(time.Millisecond), nullStr(rv.Reason))
	if err == nil {
		return sp.Commit(ctx)
	}
	if rerr := sp.Rollback(ctx); rerr != nil {
		return errors.Join(err, rerr)
	}
	if !isUnique(err, "proposal_reviews_pkey") {
		return err
	}
	first, err2 := scanReview(tx.QueryRow(ctx, "SELECT "+reviewColumns+" FROM proposal_reviews WHERE report_id = $1 AND proposal = $2",
		rv.ReportID, rv.Proposal))
	if err2 != nil && !errors.Is(err2, pgx.ErrNoRows) {
		return err2
	}
	return &ledger.ReviewedError{First: first}
}
