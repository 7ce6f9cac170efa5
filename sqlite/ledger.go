package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/tiled-maps/tiled/ledger"
)

// Ledger is the ledger.Store view of a DB: tables sources and claims (migration 002).
type Ledger struct{ db *DB }

// Ledger returns the store's control-status ledger.
func (db *DB) Ledger() *Ledger { return &Ledger{db: db} }

var _ ledger.Store = (*Ledger)(nil)

const recordedAtFormat = "2006-01-02T15:04:05.000Z"

const claimColumns = `id, settlement_id, source_id, holder, degree, valid_at, valid_precision, published_at,
	recorded_at, relayed_by, relay_url, evidence, summary, credibility, supersedes, retracts, recorded_by,
	editorial_reason, report_id, report_proposal, report_start, report_end, report_outlet, report_published, report_url`

// claimColumnsNoText is claimColumns with NULL for the text the index does not keep.
const claimColumnsNoText = `id, settlement_id, source_id, holder, degree, valid_at, valid_precision, published_at,
	recorded_at, NULL, NULL, evidence, '', credibility, supersedes, retracts, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL`

const sourceColumns = `id, name, kind, alignment, url, notes, reliability, name_uk, name_ru, kind_uk, kind_ru`

// Version returns the data version, which every write to the ledger (and the gazetteer) bumps.
func (l *Ledger) Version(ctx context.Context) (int64, error) { return l.db.DataVersion(ctx) }

// Sources returns every source, ordered by id.
func (l *Ledger) Sources(ctx context.Context) ([]ledger.Source, error) {
	rows, err := l.db.read.QueryContext(ctx, "SELECT "+sourceColumns+" FROM sources ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ledger.Source
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Claims returns the claims that match f, ordered by id. Only the conditions f sets are in the query, so each
// one can use its index.
func (l *Ledger) Claims(ctx context.Context, f ledger.ClaimFilter) ([]ledger.Claim, error) {
	cols := claimColumns
	if f.NoText {
		cols = claimColumnsNoText
	}
	var (
		where []string
		args  []any
	)
	if f.Settlement != "" {
		where, args = append(where, "settlement_id = ?"), append(args, f.Settlement)
	}
	if f.Source != "" {
		where, args = append(where, "source_id = ?"), append(args, f.Source)
	}
	if f.AfterID != 0 {
		where, args = append(where, "id > ?"), append(args, f.AfterID)
	}
	q := "SELECT " + cols + " FROM claims"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id"
	if f.Limit > 0 {
		q, args = q+" LIMIT ?", append(args, f.Limit)
	}
	rows, err := l.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ledger.Claim
	for rows.Next() {
		c, err := scanClaim(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Write runs fn in one IMMEDIATE transaction, bumping the data version when fn succeeds; on error nothing is kept.
func (l *Ledger) Write(ctx context.Context, fn func(w ledger.Writer) error) error {
	return l.db.writeTx(ctx, func(tx *sql.Tx) error {
		w := &ledgerWriter{tx: tx}
		defer w.close()
		defer func() {
			if w.bigCache {
				tx.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = -16384") //nolint:errcheck // best effort
			}
		}()
		if err := fn(w); err != nil {
			return err
		}
		return bumpDataVersion(ctx, tx)
	})
}

func scanSource(r rowScanner) (ledger.Source, error) {
	var (
		s                        ledger.Source
		url, notes               sql.NullString
		nameUK, nameRU, kUK, kRU sql.NullString
	)
	err := r.Scan(&s.ID, &s.Name, &s.Kind, &s.Alignment, &url, &notes, &s.Reliability, &nameUK, &nameRU, &kUK, &kRU)
	s.URL, s.Notes = url.String, notes.String
	s.NameUK, s.NameRU, s.KindUK, s.KindRU = nameUK.String, nameRU.String, kUK.String, kRU.String
	return s, err
}

func scanClaim(r rowScanner) (ledger.Claim, error) {
	var (
		c                                ledger.Claim
		degree, relayedBy, relayURL, by  sql.NullString
		validAt, publishedAt, recordedAt string
		supersedes, retracts             sql.NullInt64
		reason, outlet, published, rurl  sql.NullString
		report, proposal, start, end     sql.NullInt64
	)
	err := r.Scan(&c.ID, &c.SettlementID, &c.SourceID, &c.Holder, &degree, &validAt, &c.ValidPrecision, &publishedAt,
		&recordedAt, &relayedBy, &relayURL, &c.Evidence, &c.Summary, &c.Credibility, &supersedes, &retracts, &by,
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
				return c, fmt.Errorf("sqlite: claim %d report_published: %w", c.ID, err)
			}
		}
	}
	c.Degree, c.RelayedBy, c.RelayURL = ledger.Degree(degree.String), relayedBy.String, relayURL.String
	c.Supersedes, c.Retracts, c.RecordedBy = supersedes.Int64, retracts.Int64, by.String
	if c.ValidAt, err = ledger.ParseDate(validAt); err != nil {
		return c, fmt.Errorf("sqlite: claim %d valid_at: %w", c.ID, err)
	}
	if c.PublishedAt, err = ledger.ParseDate(publishedAt); err != nil {
		return c, fmt.Errorf("sqlite: claim %d published_at: %w", c.ID, err)
	}
	if c.RecordedAt, err = time.Parse(recordedAtFormat, recordedAt); err != nil {
		return c, fmt.Errorf("sqlite: claim %d recorded_at: %w", c.ID, err)
	}
	return c, nil
}

// ledgerWriter is the ledger.Writer of one write transaction. It prepares each statement once per transaction: an
// import runs the same few statements for every row, and preparing the claims insert (with its triggers) cost
// more than running it.
type ledgerWriter struct {
	tx       *sql.Tx
	stmts    map[string]*sql.Stmt
	bigCache bool // the page cache is importCacheKiB until the transaction ends
}

// stmt returns the prepared statement for q.
func (w *ledgerWriter) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := w.stmts[q]; ok {
		return st, nil
	}
	st, err := w.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if w.stmts == nil {
		w.stmts = map[string]*sql.Stmt{}
	}
	w.stmts[q] = st
	return st, nil
}

func (w *ledgerWriter) close() {
	for _, st := range w.stmts {
		st.Close()
	}
}

// queryRow runs q as a prepared statement.
func (w *ledgerWriter) queryRow(ctx context.Context, q string, args ...any) rowScanner {
	st, err := w.stmt(ctx, q)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// exec runs q as a prepared statement.
func (w *ledgerWriter) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := w.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// errRow is a row whose query failed.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

func (w *ledgerWriter) Settlement(ctx context.Context, ref string) (string, error) {
	var id string
	err := w.queryRow(ctx, "SELECT id FROM settlements WHERE id = ?1 OR slug = ?1 ORDER BY id = ?1 DESC LIMIT 1", ref).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("%w: %q", ledger.ErrUnknownSettlement, ref)
	}
	return id, err
}

func (w *ledgerWriter) Source(ctx context.Context, id string) (ledger.Source, error) {
	s, err := scanSource(w.queryRow(ctx, "SELECT "+sourceColumns+" FROM sources WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("%w: %q", ledger.ErrUnknownSource, id)
	}
	return s, err
}

func (w *ledgerWriter) Claim(ctx context.Context, id int64) (ledger.Claim, int64, error) {
	c, err := scanClaim(w.queryRow(ctx, "SELECT "+claimColumns+" FROM claims WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, 0, fmt.Errorf("%w: %d", ledger.ErrUnknownClaim, id)
	}
	if err != nil {
		return c, 0, err
	}
	var by int64
	err = w.queryRow(ctx, "SELECT coalesce(min(id), 0) FROM claims WHERE supersedes = ?1 OR retracts = ?1", id).Scan(&by)
	return c, by, err
}

func (w *ledgerWriter) LastClaimID(ctx context.Context) (int64, error) {
	var id int64
	err := w.queryRow(ctx, "SELECT coalesce(max(id), 0) FROM claims").Scan(&id)
	return id, err
}

func (w *ledgerWriter) Duplicate(ctx context.Context, c ledger.Claim) (int64, error) {
	var id int64
	err := w.queryRow(ctx, `SELECT c.id FROM claims c
		WHERE c.settlement_id = ? AND c.source_id = ? AND c.holder = ? AND coalesce(c.degree, '') = ?
		AND c.valid_at = ? AND c.published_at = ? AND c.summary = ? AND c.retracts IS NULL
		AND NOT EXISTS (SELECT 1 FROM claims r WHERE r.supersedes = c.id OR r.retracts = c.id)
		ORDER BY c.id LIMIT 1`,
		c.SettlementID, c.SourceID, c.Holder, c.Degree, c.ValidAt.String(), c.PublishedAt.String(), c.Summary).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

func (w *ledgerWriter) AddSource(ctx context.Context, s ledger.Source) error {
	_, err := w.exec(ctx, "INSERT INTO sources ("+sourceColumns+", updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		s.ID, s.Name, s.Kind, s.Alignment, nullStr(s.URL), nullStr(s.Notes), s.Reliability,
		nullStr(s.NameUK), nullStr(s.NameRU), nullStr(s.KindUK), nullStr(s.KindRU), now())
	if isConstraint(err, sqlite3.ErrConstraintPrimaryKey) || isConstraint(err, sqlite3.ErrConstraintUnique) { // id is UNIQUE since migration 030
		return fmt.Errorf("%w: source %q", ledger.ErrExists, s.ID)
	}
	return err
}

func (w *ledgerWriter) SetReliability(ctx context.Context, id string, r ledger.Reliability) error {
	res, err := w.exec(ctx, "UPDATE sources SET reliability = ?, updated_at = ? WHERE id = ?", r, now(), id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("%w: %q", ledger.ErrUnknownSource, id)
	}
	return nil
}

func (w *ledgerWriter) AddClaim(ctx context.Context, c ledger.Claim) (ledger.Claim, error) {
	c, args := claimArgs(c)
	res, err := w.exec(ctx, "INSERT INTO claims ("+claimColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	if err != nil {
		return c, fmt.Errorf("sqlite: add claim: %w", err)
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return c, err
	}
	return c, w.addReview(ctx, c)
}

// claimArgs returns c as it is stored (RecordedAt set, in UTC, to the millisecond) and the values of
// claimColumns for it; a zero id is NULL, for the store to assign.
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
	// Plain types, which database/sql passes on without reflection.
	return c, []any{id, c.SettlementID, c.SourceID, string(c.Holder), nullStr(string(c.Degree)), c.ValidAt.String(),
		string(c.ValidPrecision), c.PublishedAt.String(), c.RecordedAt.Format(recordedAtFormat), nullStr(c.RelayedBy),
		nullStr(c.RelayURL), string(c.Evidence), c.Summary, int64(c.Credibility), nullNum(c.Supersedes),
		nullNum(c.Retracts), nullStr(c.RecordedBy), nullStr(c.EditorialReason), report, proposal, start, end, outlet,
		published, rurl}
}

// addReview records the review row of a claim accepted from a report's proposal, in the same transaction: a
// proposal becomes at most one claim, and a proposal already accepted or rejected (by another editor at the same
// moment) makes this write fail whole.
func (w *ledgerWriter) addReview(ctx context.Context, c ledger.Claim) error {
	if c.Report == nil {
		return nil
	}
	return insertReview(ctx, w.tx, ledger.Review{ReportID: c.Report.ReportID, Proposal: c.Report.Proposal,
		Decision: ledger.DecisionAccepted, ClaimID: c.ID, By: c.RecordedBy, At: c.RecordedAt})
}

// isConstraint reports whether err is an SQLite constraint violation of the extended kind code.
func isConstraint(err error, code sqlite3.ErrNoExtended) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == code
}
