package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tiled-maps/tiled/internal/migrations"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrSchema is returned when the database's schema has a migration this binary does not know.
var ErrSchema = errors.New("postgres: schema version unknown to this build")

// NotifyChannel is the channel every write announces the new data version on (payload: the version in decimal).
const NotifyChannel = "tiled_data"

// writeLock is the advisory lock key every write transaction takes ('tild').
const writeLock = 0x74696c64

// DB is an open tiled store on PostgreSQL.
type DB struct {
	dsn  string
	pool *pgxpool.Pool
}

// IsDSN reports whether s names a PostgreSQL database (a postgres:// or postgresql:// URL) rather than a file.
func IsDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at dsn (a postgres:// URL) and migrates it to the current schema.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db := &DB{dsn: dsn, pool: pool}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Path returns the connection string with its password masked, for messages.
func (db *DB) Path() string { return Redact(db.dsn) }

// DSN returns the connection string the store was opened with.
func (db *DB) DSN() string { return db.dsn }

// Redact masks the password of a postgres:// URL.
func Redact(dsn string) string {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil || cfg.Password == "" {
		return dsn
	}
	return strings.Replace(dsn, ":"+cfg.Password+"@", ":xxxxx@", 1)
}

// Close closes the connection pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.pool.QueryRow(ctx, "SELECT 1").Scan(&one)
}

// Pool returns the connection pool, for SQL the typed views do not cover (tests, exports, LISTEN).
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

func readMigrations() ([]migrations.Migration, error) {
	return migrations.Read(migrationFS, "migrations", "postgres")
}

// migrate applies, under the write lock (several servers may start at once), every migration the database has not
// had yet, in version order, all in one transaction.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := readMigrations()
	if err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS tiled_schema (
			version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("postgres: open %s: %w", db.Path(), err)
		}
		rows, err := tx.Query(ctx, "SELECT version FROM tiled_schema")
		if err != nil {
			return err
		}
		applied, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			return err
		}
		known := map[int]bool{}
		for _, m := range ms {
			known[m.Version] = true
		}
		done := map[int]bool{}
		for _, v := range applied {
			if !known[v] {
				return fmt.Errorf("%w: database has migration %d, which this build does not know", ErrSchema, v)
			}
			done[v] = true
		}
		for _, m := range ms {
			if done[m.Version] {
				continue
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("postgres: migration %03d_%s: %w", m.Version, m.Name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO tiled_schema (version, name) VALUES ($1, $2)", m.Version, m.Name); err != nil {
				return err
			}
		}
		return nil
	})
}

// SchemaVersion returns the highest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM tiled_schema").Scan(&v)
	return v, err
}

// writeTx runs fn in a transaction holding the store's write lock, committing when fn returns nil. A write the
// server refuses for want of disk or because it takes no writes is a *StorageError.
func (db *DB) writeTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return storageErr(db.runWriteTx(ctx, fn))
}

func (db *DB) runWriteTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", writeLock); err != nil {
		return errors.Join(err, tx.Rollback(context.WithoutCancel(ctx)))
	}
	// A write transaction can grow a table from empty to a million rows (an import runs the same few statements
	// once a row). A generic plan made from its first rows, or from statistics saying the table is empty, scans
	// the whole table on every later call; plans made for each call see the table's size as it grows.
	if _, err := tx.Exec(ctx, "SET LOCAL plan_cache_mode = force_custom_plan"); err != nil {
		return errors.Join(err, tx.Rollback(context.WithoutCancel(ctx)))
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, tx.Rollback(context.WithoutCancel(ctx)))
	}
	return tx.Commit(ctx)
}

// DataVersion returns a number that changes whenever places or claims change; caches key on it.
func (db *DB) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.pool.QueryRow(ctx, "SELECT value FROM tiled_meta WHERE key = 'data_version'").Scan(&v)
	return v, err
}

// PlacesVersion returns a number that changes whenever places change (not claims).
func (db *DB) PlacesVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.pool.QueryRow(ctx, "SELECT value FROM tiled_meta WHERE key = 'places_version'").Scan(&v)
	return v, err
}

// bumpDataVersion increments the data version inside a write transaction and announces it on NotifyChannel with
// what changed (delivered to listeners when the transaction commits, not before).
func bumpDataVersion(ctx context.Context, tx pgx.Tx, c Change) error {
	if err := tx.QueryRow(ctx, "UPDATE tiled_meta SET value = value + 1 WHERE key = 'data_version' RETURNING value").Scan(&c.Version); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", NotifyChannel, c.payload())
	return err
}

// isUnique reports whether err is a unique violation of constraint.
func isUnique(err error, constraint string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == constraint
}
