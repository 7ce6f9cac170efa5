package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/postgres"
	"github.com/tiled-maps/tiled/report"
	"github.com/tiled-maps/tiled/sqlite"
)

// Kind names a store's engine.
type Kind string

// The engines.
const (
	KindSQLite   Kind = "sqlite"
	KindPostgres Kind = "postgres"
)

// Places is what the commands and the atlas need of a gazetteer store.
type Places interface {
	gazetteer.Store
	// EachPlace calls fn with every full place in id order.
	EachPlace(ctx context.Context, fn func(gazetteer.Place) error) error
	// EachPlaceSummary calls fn with every place, without alternate names and long texts, in id order.
	EachPlaceSummary(ctx context.Context, fn func(gazetteer.Place) error) error
	// AllPlaces returns every full place in id order.
	AllPlaces(ctx context.Context) ([]gazetteer.Place, error)
	// PlaceSummaries returns every place summary in id order.
	PlaceSummaries(ctx context.Context) ([]gazetteer.Place, error)
	// Version changes whenever places change.
	Version(ctx context.Context) (int64, error)
}

// Tokens is what copies need of a token store beyond auth.Store.
type Tokens interface {
	auth.Store
	// RestoreToken stores a token with its hash and times as another store had it.
	RestoreToken(ctx context.Context, tok auth.Token, hash []byte) error
	// TokenHashes returns the stored hash of every token by name.
	TokenHashes(ctx context.Context) (map[string][]byte, error)
}

// Reports is what copies need of a report store beyond report.Store.
type Reports interface {
	report.Store
	// RestoreReport stores a report with its id and recorded time as another store had it.
	RestoreReport(ctx context.Context, r report.Stored) (report.Stored, error)
}

// ReviewStore keeps the desk's decisions about proposed claims.
type ReviewStore interface {
	// Reject records a rejection; a proposal already decided gives an error matching ledger.ErrReviewed.
	Reject(ctx context.Context, rv ledger.Review) error
	// Reviews returns the decisions about a report's proposals, by proposal index.
	Reviews(ctx context.Context, report int64) ([]ledger.Review, error)
	// ReviewCounts returns how many proposals of each report have been decided.
	ReviewCounts(ctx context.Context) (map[int64]int, error)
}

// engine is what both DB types have in common.
type engine interface {
	Ping(ctx context.Context) error
	DataVersion(ctx context.Context) (int64, error)
	Close() error
}

// Store is an open tiled store.
type Store struct {
	kind     Kind
	location string
	places   Places
	ledger   ledger.Store
	tokens   Tokens
	db       engine
	reports  Reports
	aliases  report.AliasStore
	sessions auth.SessionStore
	reviews  ReviewStore
	lite     *sqlite.DB
	pg       *postgres.DB
}

// Open opens the store at location: a postgres:// (or postgresql://) URL opens PostgreSQL, anything else is the
// path of a SQLite/GeoPackage file (created when missing). Either is migrated to the current schema.
func Open(ctx context.Context, location string) (*Store, error) {
	if postgres.IsDSN(location) {
		db, err := postgres.Open(ctx, location)
		if err != nil {
			return nil, err
		}
		return FromPostgres(db), nil
	}
	db, err := sqlite.Open(ctx, location)
	if err != nil {
		return nil, err
	}
	return FromSQLite(db), nil
}

// FromSQLite wraps an open SQLite store.
func FromSQLite(db *sqlite.DB) *Store {
	return &Store{kind: KindSQLite, location: db.Path(), places: db.Gazetteer(), ledger: db.Ledger(),
		tokens: db.Tokens(), db: db, lite: db, reports: db.Reports(), sessions: db.Tokens(), reviews: db.Reviews(),
		aliases: db.Aliases()}
}

// FromPostgres wraps an open PostgreSQL store.
func FromPostgres(db *postgres.DB) *Store {
	return &Store{kind: KindPostgres, location: db.Path(), places: db.Gazetteer(), ledger: db.Ledger(),
		tokens: db.Tokens(), db: db, pg: db, reports: db.Reports(), sessions: db.Tokens(), reviews: db.Reviews(),
		aliases: db.Aliases()}
}

// Kind is the store's engine.
func (s *Store) Kind() Kind { return s.kind }

// Location is the file path or the connection URL with its password masked.
func (s *Store) Location() string { return s.location }

// Gazetteer is the store's places.
func (s *Store) Gazetteer() Places { return s.places }

// Ledger is the store's control-status ledger.
func (s *Store) Ledger() ledger.Store { return s.ledger }

// Tokens is the store's write tokens.
func (s *Store) Tokens() Tokens { return s.tokens }

// Reports is the store's reports (working material, never exported).
func (s *Store) Reports() Reports { return s.reports }

// Aliases is the store's source aliases for the report parser.
func (s *Store) Aliases() report.AliasStore { return s.aliases }

// Sessions is the store's desk sessions.
func (s *Store) Sessions() auth.SessionStore { return s.sessions }

// Reviews is the store's decisions about proposed claims.
func (s *Store) Reviews() ReviewStore { return s.reviews }

// SQLite returns the SQLite store, or nil for PostgreSQL.
func (s *Store) SQLite() *sqlite.DB { return s.lite }

// Postgres returns the PostgreSQL store, or nil for SQLite.
func (s *Store) Postgres() *postgres.DB { return s.pg }

// Ping checks that the store answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// DataVersion changes whenever places or claims change.
func (s *Store) DataVersion(ctx context.Context) (int64, error) { return s.db.DataVersion(ctx) }

// Storage reports whether the store's file system can take writes (a *sqlite.StorageError when it is full or
// read-only); PostgreSQL manages its own storage: nil.
func (s *Store) Storage(ctx context.Context) error {
	if s.lite != nil {
		return s.lite.Storage(ctx)
	}
	return nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Snapshot writes a consistent copy of the store's public data, a GeoPackage, to the new file path (see
// sqlite.DB.Snapshot: no tokens, sessions or reports). A PostgreSQL store is first copied whole into a temporary
// SQLite file (writes are serialised by the write lock, and the copy is checked by content hash), which is then
// snapshotted.
func (s *Store) Snapshot(ctx context.Context, path string) error {
	if s.lite != nil {
		return s.lite.Snapshot(ctx, path)
	}
	dir, err := os.MkdirTemp("", "tiled-snapshot-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tmp, err := sqlite.Open(ctx, filepath.Join(dir, "tiled.gpkg"))
	if err != nil {
		return err
	}
	defer tmp.Close()
	if _, err := Copy(ctx, s, FromSQLite(tmp)); err != nil {
		return err
	}
	return tmp.Snapshot(ctx, path)
}

// copyToFile copies the store into a new SQLite file at path.
func (s *Store) copyToFile(ctx context.Context, path string) error {
	dst, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	_, err = Copy(ctx, s, FromSQLite(dst))
	if err == nil {
		err = dst.Checkpoint(ctx)
	}
	return errors.Join(err, dst.Close())
}

// ErrNotEmpty is returned when a copy's destination already holds data.
var ErrNotEmpty = errors.New("store: destination is not empty")

// errf prefixes store errors.
func errf(format string, args ...any) error { return fmt.Errorf("store: "+format, args...) }
