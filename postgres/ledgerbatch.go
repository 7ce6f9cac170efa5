package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tiled-maps/tiled/ledger"
)

// The batch methods of ledgerWriter (ledger.BatchWriter): an import checks a batch of rows with a few round trips
// and appends it with COPY, where each row cost four or five round trips.
var _ ledger.BatchWriter = (*ledgerWriter)(nil)

// claimCopyColumns are claimColumns as COPY names them.
var claimCopyColumns = func() []string {
	cols := strings.Split(claimColumns, ",")
	for i, c := range cols {
		cols[i] = strings.TrimSpace(c)
	}
	return cols
}()

func (w *ledgerWriter) SettlementIDs(ctx context.Context, refs []string) (map[string]bool, error) {
	rows, err := w.tx.Query(ctx, "SELECT id FROM settlements WHERE id = ANY($1::text[])", refs)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

func (w *ledgerWriter) Targets(ctx context.Context, ids []int64) (map[int64]ledger.Target, error) {
	// Who corrected each: two lookups, each on its unique partial index (see Claim).
	rows, err := w.tx.Query(ctx, `SELECT c.id, c.settlement_id, c.source_id, c.retracts IS NOT NULL,
		coalesce(least((SELECT r.id FROM claims r WHERE r.supersedes = c.id), (SELECT r.id FROM claims r WHERE r.retracts = c.id)), 0)
		FROM claims c WHERE c.id = ANY($1::bigint[])`, ids)
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
	var settlement, source, holder, degree, valid, published, summary []string
	for _, c := range cs {
		settlement, source = append(settlement, c.SettlementID), append(source, c.SourceID)
		holder, degree = append(holder, string(c.Holder)), append(degree, string(c.Degree))
		valid, published = append(valid, c.ValidAt.String()), append(published, c.PublishedAt.String())
		summary = append(summary, c.Summary)
	}
	// The batch's keys as rows, each looked up (LATERAL: once a row, by the settlement and dates index) among
	// the claims in force.
	rows, err := w.tx.Query(ctx, `SELECT b.i - 1, d.id
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
			WITH ORDINALITY AS b(settlement, source, holder, degree, valid_at, published_at, summary, i)
		CROSS JOIN LATERAL (SELECT c.id FROM claims c
			WHERE c.settlement_id = b.settlement AND c.source_id = b.source AND c.valid_at = b.valid_at
			AND c.published_at = b.published_at AND c.holder = b.holder AND coalesce(c.degree, '') = b.degree
			AND c.summary = b.summary AND c.retracts IS NULL
			AND NOT EXISTS (SELECT 1 FROM claims r WHERE r.supersedes = c.id)
			AND NOT EXISTS (SELECT 1 FROM claims r WHERE r.retracts = c.id)) d
		ORDER BY b.i, d.id`, settlement, source, holder, degree, valid, published, summary)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([][]int64, len(cs))
	for rows.Next() {
		var i, id int64
		if err := rows.Scan(&i, &id); err != nil {
			return nil, err
		}
		out[i] = append(out[i], id)
	}
	return out, rows.Err()
}

func (w *ledgerWriter) AddClaims(ctx context.Context, cs []ledger.Claim) error {
	// Under a savepoint: when COPY fails, the transaction goes on, to append the claims one at a time and name the
	// one refused with the error AddClaim gives.
	sp, err := w.tx.Begin(ctx)
	if err != nil {
		return err
	}
	_, err = sp.CopyFrom(ctx, pgx.Identifier{"claims"}, claimCopyColumns, pgx.CopyFromSlice(len(cs), func(i int) ([]any, error) {
		var args []any
		cs[i], args = claimArgs(cs[i])
		return args, nil
	}))
	if err != nil {
		if rerr := sp.Rollback(ctx); rerr != nil {
			return errors.Join(err, rerr)
		}
		for i, c := range cs {
			if _, aerr := w.AddClaim(ctx, c); aerr != nil {
				return &ledger.RowError{Index: i, Err: aerr}
			}
		}
		return fmt.Errorf("postgres: add claims: %w", err)
	}
	if err := sp.Commit(ctx); err != nil {
		return err
	}
	for _, c := range cs {
		if err := w.addReview(ctx, c); err != nil {
			return err
		}
		w.settlements[c.SettlementID] = true
	}
	return nil
}
