package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiled-maps/tiled/ledger"
)

// Ledger is the ledger.Store view of a DB: tables sources and claims.
type Ledger struct{ db *DB }

// Ledger returns the store's control-status ledger.
func (db *DB) Ledger() *Ledger { return &Ledger{db: db} }

var _ ledger.Store = (*Ledger)(nil)

const claimColumns = `id, settlement_id, source_id, holder, degree, valid_at, valid_precision, published_at,
	recorded_at, relayed_by, relay_url, evidence, summary, credibility, supersedes, retracts, recorded_by,
	editorial_reason, report_id, report_proposal, report_start, report_end, report_outlet, report_published, report_url`

// claimColumnsNoText is claimColumns with NULL for the text the index does not keep.
const claimColumnsNoText = `id, settlement_id, source_id, holder, degree, valid_at, valid_precision, published_at,
	recorded_at, NULL, NULL, evidence, '', credibility, supersedes, retracts, NULL,
	NULL, NULL::bigint, NULL::integer, NULL::integer, NULL::integer, NULL, NULL, NULL`

const sourceColumns = `id, name, kind, alignment, url, notes, reliability, name_uk, name_ru, kind_uk, kind_ru`

// Version returns the data version, which every write to the ledger (and the gazetteer) bumps.
func (l *Ledger) Version(ctx context.Context) (int64, error) { return l.db.DataVersion(ctx) }

// Sources returns every source, ordered by id.
func (l *Ledger) Sources(ctx context.Context) ([]ledger.Source, error) {
	rows, err := l.db.pool.Query(ctx, "SELECT "+sourceColumns+` FROM sources ORDER BY id COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ledger.Source, error) { return scanSource(r) })
}

// Claims returns the claims that match f, ordered by id.
func (l *Ledger) Claims(ctx context.Context, f ledger.ClaimFilter) ([]ledger.Claim, error) {
	cols := claimColumns
	if f.NoText {
		cols = claimColumnsNoText
	}
	rows, err := l.db.pool.Query(ctx, "SELECT "+cols+` FROM claims
		WHERE ($1 = '' OR settlement_id = $1) AND ($2 = '' OR source_id = $2) AND id > $3 ORDER BY id
		LIMIT nullif($4::int, 0)`, f.Settlement, f.Source, f.AfterID, f.Limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ledger.Claim, error) { return scanClaim(r) })
}

// Write runs fn in one transaction under the write lock, bumping (and announcing) the data version when fn
// succeeds; on error nothing is kept.
func (l *Ledger) Write(ctx context.Context, fn func(w ledger.Writer) error) error {
	return l.db.writeTx(ctx, func(tx pgx.Tx) error {
		w := &ledgerWriter{tx: tx, settlements: map[string]bool{}}
		if err := fn(w); err != nil {
			return err
		}
		c := Change{}
		for id := range w.settlements {
			c.Settlements = append(c.Settlements, id)
		}
		sort.Strings(c.Settlements)
		c.All = w.sources // a new source or grade can change any view
		return bumpDataVersion(ctx, tx, c)
	})
}

func scanSource(r pgx.Row) (ledger.Source, error) {
	var (
		s                           ledger.Source
		url, notes                  sql.NullString
		nameUK, nameRU, kindUK, kRU sql.NullString
	)
	err := r.Scan(&s.ID, &s.Name, &s.Kind, &s.Alignment, &url, &notes, &s.Reliability, &nameUK, &nameRU, &kindUK, &kRU)
	s.URL, s.Notes = url.String, notes.String
	s.NameUK, s.NameRU, s.KindUK, s.KindRU = nameUK.String, nameRU.String, kindUK.String, kRU.String
	return s, err
}

func scanClaim(r pgx.Row) (ledger.Claim, error) {
	var (
		c                               ledger.Claim
		degree, relayedBy, relayURL, by sql.NullString
		validAt, publishedAt            string
		supersedes, retracts            sql.NullInt64
		reason, outlet, published, rurl sql.NullString
		report, proposal, start, end    sql.NullInt64
	)
	err := r.Scan(&c.ID, &c.SettlementID, &c.SourceID, &c.Holder, &degree, &validAt, &c.ValidPrecision, &publishedAt,
		&c.RecordedAt, &relayedBy, &relayURL, &c.Evidence, &c.Summary, &c.Credibility, &supersedes, &retracts, &by,
		&reason, &report, &proposal, &start, &end, &outlet, &published, &rurl)
	if err != nil {
		return c, err
	}
	c.EditorialReason = reason.String
	if report.Valid {
		c.Report = &ledger.Provenance{ReportID: report.Int64, Proposal: int(proposal.Int64), Start: int(start.Int64),
			End: int(end.Int64), Outlet: outlet.String, URL: rurl.String}
		if published.Valid {
			if c.Report.Published, err = ledger.ParseDate(published.String); err != nil {
				return c, fmt.Errorf("postgres: claim %d report_published: %w", c.ID, err)
			}
		}
	}
	c.RecordedAt = c.RecordedAt.UTC()
	c.Degree, c.RelayedBy, c.RelayURL = ledger.Degree(degree.String), relayedBy.String, relayURL.String
	c.Supersedes, c.Retracts, c.RecordedBy = supersedes.Int64, retracts.Int64, by.String
	if c.ValidAt, err = ledger.ParseDate(validAt); err != nil {
		return c, fmt.Errorf("postgres: claim %d valid_at: %w", c.ID, err)
	}
	if c.PublishedAt, err = ledger.ParseDate(publishedAt); err != nil {
		return c, fmt.Errorf("postgres: claim %d published_at: %w", c.ID, err)
	}
	return c, nil
}

// ledgerWriter is the ledger.Writer of one write transaction; it notes what it changed for the notification.
type ledgerWriter struct {
	tx          pgx.Tx
	settlements map[string]bool // of the claims added
	sources     bool            // a source added or regraded
}

func (w *ledgerWriter) Settlement(ctx context.Context, ref string) (string, error) {
	var id string
	err := w.tx.QueryRow(ctx, "SELECT id FROM settlements WHERE id = $1 OR slug = $1 ORDER BY id = $1 DESC LIMIT 1", ref).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("%w: %q", ledger.ErrUnknownSettlement, ref)
	}
	return id, err
}

func (w *ledgerWriter) Source(ctx context.Context, id string) (ledger.Source, error) {
	s, err := scanSource(w.tx.QueryRow(ctx, "SELECT "+sourceColumns+" FROM sources WHERE id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return s, fmt.Errorf("%w: %q", ledger.ErrUnknownSource, id)
	}
	return s, err
}

func (w *ledgerWriter) Claim(ctx context.Context, id int64) (ledger.Claim, int64, error) {
	c, err := scanClaim(w.tx.QueryRow(ctx, "SELECT "+claimColumns+" FROM claims WHERE id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, 0, fmt.Errorf("%w: %d", ledger.ErrUnknownClaim, id)
	}
	if err != nil {
		return c, 0, err
	}
	var by int64
	// Two lookups, each on its unique partial index: with "supersedes = $1 OR retracts = $1" a plan made while the
	// claims table was small (an import's transaction) walks the primary key and reads every claim, each time.
	err = w.tx.QueryRow(ctx, `SELECT coalesce(least((SELECT id FROM claims WHERE supersedes = $1),
		(SELECT id FROM claims WHERE retracts = $1)), 0)`, id).Scan(&by)
	return c, by, err
}

func (w *ledgerWriter) LastClaimID(ctx context.Context) (int64, error) {
	var id int64
	err := w.tx.QueryRow(ctx, "SELECT coalesce(max(id), 0) FROM claims").Scan(&id)
	return id, err
}

func (w *ledgerWriter) Duplicate(ctx context.Context, c ledger.Claim) (int64, error) {
	var id int64
	// The candidates are found first (MATERIALIZED: planned on their own, by the settlement and dates index), then
	// ordered: "ORDER BY c.id LIMIT 1" on claims itself lets the planner walk the primary key through every claim
	// when its statistics say the table is small, as they do while an import fills it.
	err := w.tx.QueryRow(ctx, `WITH same AS MATERIALIZED (SELECT c.id FROM claims c
		WHERE c.settlement_id = $1 AND c.source_id = $2 AND c.holder = $3 AND coalesce(c.degree, '') = $4
		AND c.valid_at = $5 AND c.published_at = $6 AND c.summary = $7 AND c.retracts IS NULL)
		SELECT s.id FROM same s
		WHERE NOT EXISTS (SELECT 1 FROM claims r WHERE r.supersedes = s.id)
		AND NOT EXISTS (SELECT 1 FROM claims r WHERE r.retracts = s.id)
		ORDER BY s.id LIMIT 1`,
		c.SettlementID, c.SourceID, string(c.Holder), string(c.Degree), c.ValidAt.String(), c.PublishedAt.String(), c.Summary).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

func (w *ledgerWriter) AddSource(ctx context.Context, s ledger.Source) error {
	// A savepoint keeps the transaction usable after a refused insert, as SQLite's statement rollback does.
	sp, err := w.tx.Begin(ctx)
	if err != nil {
		return err
	}
	_, err = sp.Exec(ctx, "INSERT INTO sources ("+sourceColumns+", updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())",
		s.ID, s.Name, s.Kind, string(s.Alignment), nullStr(s.URL), nullStr(s.Notes), string(s.Reliability),
		nullStr(s.NameUK), nullStr(s.NameRU), nullStr(s.KindUK), nullStr(s.KindRU))
	if err != nil {
		rerr := sp.Rollback(ctx)
		if isUnique(err, "sources_pkey") {
			return errors.Join(fmt.Errorf("%w: source %q", ledger.ErrExists, s.ID), rerr)
		}
		return errors.Join(err, rerr)
	}
	w.sources = true
	return sp.Commit(ctx)
}

func (w *ledgerWriter) SetReliability(ctx context.Context, id string, r ledger.Reliability) error {
	tag, err := w.tx.Exec(ctx, "UPDATE sources SET reliability = $1, updated_at = now() WHERE id = $2", string(r), id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: %q", ledger.ErrUnknownSource, id)
	}
	w.sources = true
	return nil
}

func (w *ledgerWriter) AddClaim(ctx context.Context, c ledger.Claim) (ledger.Claim, error) {
	c, args := claimArgs(c)
	// Writers are serialised by the write lock, so max(id)+1 is free, as SQLite's INTEGER PRIMARY KEY assigns it.
	err := w.tx.QueryRow(ctx, "INSERT INTO claims ("+claimColumns+`)
		VALUES (coalesce($1::bigint, (SELECT coalesce(max(id), 0) + 1 FROM claims)), $2, $3, $4, $5, $6, $7, $8, $9,
		        $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) RETURNING id`,
		args...).Scan(&c.ID)
	if err != nil {
		return c, fmt.Errorf("postgres: add claim: %w", err)
	}
	if err := w.addReview(ctx, c); err != nil {
		return c, err
	}
	w.settlements[c.SettlementID] = true
	return c, nil
}

// claimArgs returns c as it is stored (RecordedAt set, in UTC, to the millisecond) and the values of
// claimColumns for it; a zero id is NULL.
func claimArgs(c ledger.Claim) (ledger.Claim, []any) {
	if c.RecordedAt.IsZero() {
		c.RecordedAt = time.Now()
	}
	c.RecordedAt = c.RecordedAt.UTC().Truncate(time.Millisecond)
	var id any
	if c.ID != 0 {
		id = c.ID
	}
	var report, proposal, start, end, outlet, published, rurl any
	if p := c.Report; p != nil {
		report, proposal, start, end = p.ReportID, p.Proposal, p.Start, p.End
		outlet, rurl = nullStr(p.Outlet), nullStr(p.URL)
		if !p.Published.IsZero() {
			published = p.Published.String()
		}
	}
	return c, []any{id, c.SettlementID, c.SourceID, string(c.Holder), nullStr(string(c.Degree)), c.ValidAt.String(),
		string(c.ValidPrecision), c.PublishedAt.String(), c.RecordedAt, nullStr(c.RelayedBy), nullStr(c.RelayURL),
		string(c.Evidence), c.Summary, c.Credibility, nullNum(c.Supersedes), nullNum(c.Retracts), nullStr(c.RecordedBy),
		nullStr(c.EditorialReason), report, proposal, start, end, outlet, published, rurl}
}

// addReview records the review row of a claim accepted from a report's proposal, in the same transaction: a
// proposal becomes at most one claim.
func (w *ledgerWriter) addReview(ctx context.Context, c ledger.Claim) error {
	if c.Report == nil {
		return nil
	}
	return insertReview(ctx, w.tx, ledger.Review{ReportID: c.Report.ReportID, Proposal: c.Report.Proposal,
		Decision: ledger.DecisionAccepted, ClaimID: c.ID, By: c.RecordedBy, At: c.RecordedAt})
}
