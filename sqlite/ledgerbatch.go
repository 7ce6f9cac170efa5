package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mattn/go-sqlite3"

	"github.com/tiled-maps/tiled/ledger"
)

// The batch methods of ledgerWriter (ledger.BatchWriter): an import checks and appends a batch of rows with a
// few statements instead of several a row.
var _ ledger.BatchWriter = (*ledgerWriter)(nil)

// insertRows is how many claims one INSERT statement appends: 25 values a row, under SQLite's limit of 32,766
// variables a statement.
const insertRows = 500

// dupRows is how many claims one duplicate query checks: 8 values a row.
const dupRows = 1000

func (w *ledgerWriter) SettlementIDs(ctx context.Context, refs []string) (map[string]bool, error) {
	arg, err := json.Marshal(refs)
	if err != nil {
		return nil, err
	}
	st, err := w.stmt(ctx, "SELECT id FROM settlements WHERE id IN (SELECT value FROM json_each(?))")
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, string(arg))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

func (w *ledgerWriter) Targets(ctx context.Context, ids []int64) (map[int64]ledger.Target, error) {
	arg, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	st, err := w.stmt(ctx, `SELECT c.id, c.settlement_id, c.source_id, c.retracts IS NOT NULL,
		coalesce((SELECT min(r.id) FROM claims r WHERE r.supersedes = c.id OR r.retracts = c.id), 0)
		FROM claims c WHERE c.id IN (SELECT value FROM json_each(?))`)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, string(arg))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]ledger.Target{}
	for rows.Next() {
		var (
			id int64
			t  ledger.Target
		)
		if err := rows.Scan(&id, &t.SettlementID, &t.SourceID, &t.Retraction, &t.ReplacedBy); err != nil {
			return nil, err
		}
		out[id] = t
	}
	return out, rows.Err()
}

func (w *ledgerWriter) Duplicates(ctx context.Context, cs []ledger.Claim) ([][]int64, error) {
	out := make([][]int64, len(cs))
	for lo := 0; lo < len(cs); lo += dupRows {
		part := cs[lo:min(lo+dupRows, len(cs))]
		// The batch's keys as a table, each looked up by the (settlement, source, valid_at, published_at) index.
		// CROSS JOIN keeps b the outer loop: for a large b the planner would otherwise scan every claim and look
		// each up in an automatic index on b.
		q := `WITH b(i, settlement, source, holder, degree, valid_at, published_at, summary) AS (VALUES ` +
			placeholders(len(part), 8) + `)
			SELECT b.i, c.id FROM b CROSS JOIN claims c ON c.settlement_id = b.settlement AND c.source_id = b.source
				AND c.valid_at = b.valid_at AND c.published_at = b.published_at
			WHERE c.holder = b.holder AND coalesce(c.degree, '') = b.degree AND c.summary = b.summary
				AND c.retracts IS NULL
				AND NOT EXISTS (SELECT 1 FROM claims r WHERE r.supersedes = c.id)
				AND NOT EXISTS (SELECT 1 FROM claims r WHERE r.retracts = c.id)
			ORDER BY b.i, c.id`
		args := make([]any, 0, 8*len(part))
		for i, c := range part {
			args = append(args, int64(lo+i), c.SettlementID, c.SourceID, string(c.Holder), string(c.Degree),
				c.ValidAt.String(), c.PublishedAt.String(), c.Summary)
		}
		if err := w.collectDuplicates(ctx, q, args, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (w *ledgerWriter) collectDuplicates(ctx context.Context, q string, args []any, out [][]int64) error {
	st, err := w.stmt(ctx, q)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var i, id int64
		if err := rows.Scan(&i, &id); err != nil {
			return err
		}
		out[i] = append(out[i], id)
	}
	return rows.Err()
}

func (w *ledgerWriter) AddClaims(ctx context.Context, cs []ledger.Claim) error {
	if !w.bigCache {
		// An import's inserts and duplicate checks land all over the claims' settlement index: with the writer's
		// usual 16 MiB cache a large import re-reads its pages from the WAL, a system call each.
		// importCacheKiB (as for places): a 1M-claim import took 10% less CPU, a quarter of it in the kernel before.
		if _, err := w.tx.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", importCacheKiB)); err != nil {
			return err
		}
		w.bigCache = true
	}
	args := make([]any, 0, 25*min(len(cs), insertRows))
	for lo := 0; lo < len(cs); lo += insertRows {
		part := cs[lo:min(lo+insertRows, len(cs))]
		args = args[:0]
		for i, c := range part {
			var a []any
			part[i], a = claimArgs(c)
			args = append(args, a...)
		}
		q := "INSERT INTO claims (" + claimColumns + ") VALUES " + placeholders(len(part), 25)
		if _, err := w.exec(ctx, q, args...); err != nil {
			var se sqlite3.Error
			if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
				// A constraint undoes the statement, not the transaction: append the claims one at a time to name
				// the one refused, with the error AddClaim gives.
				return w.addEach(ctx, part, lo, err)
			}
			return &ledger.RowError{Index: lo, Err: fmt.Errorf("sqlite: add claim: %w", err)}
		}
		for _, c := range part {
			if err := w.addReview(ctx, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// addEach appends cs, the claims from offset on of a batch whose multi-row insert failed with err, one at a time,
// and returns a *ledger.RowError for the first one refused (err itself if none is).
func (w *ledgerWriter) addEach(ctx context.Context, cs []ledger.Claim, offset int, err error) error {
	for i, c := range cs {
		if _, aerr := w.AddClaim(ctx, c); aerr != nil {
			return &ledger.RowError{Index: offset + i, Err: aerr}
		}
	}
	return fmt.Errorf("sqlite: add claims: %w", err)
}

// placeholders returns rows groups of n "?" in parentheses, comma-separated: "(?, ?), (?, ?)".
func placeholders(rows, n int) string {
	one := "(" + strings.Repeat("?, ", n-1) + "?)"
	var b strings.Builder
	b.Grow(rows * (len(one) + 2))
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}
