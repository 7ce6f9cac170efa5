package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/tiled-maps/tiled/geo"
	"github.com/tiled-maps/tiled/internal/migrations"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// BusyTimeout is how long a connection waits for a lock before SQLITE_BUSY.
const BusyTimeout = 10 * time.Second

// ErrSchema is returned when the file's schema is newer than this binary knows.
var ErrSchema = errors.New("sqlite: schema version unknown to this build")

// DB is an open tiled store.
type DB struct {
	path  string
	read  *sql.DB
	write *sql.DB
	// importBatches sizes ImportPlaces' batches (zero: the defaults; tests set it through export_test.go).
	importBatches importBatches
}

// Open opens (creating if needed) the store at path and migrates it to the current schema.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	if err := checkWritable(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("_busy_timeout", strconv.Itoa(int(BusyTimeout/time.Millisecond)))
	q.Set("_foreign_keys", "on")
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "NORMAL")
	dsn := "file:" + path + "?" + q.Encode()
	// Page cache: 8 MiB for each reader and 16 MiB for the writer; ImportPlaces raises the writer's to 256 MiB for
	// the length of an import, so that its index pages stay in memory until commit.
	drv := &sqlite3.SQLiteDriver{ConnectHook: connectHook}
	db := &DB{
		path:  path,
		read:  sql.OpenDB(connector{dsn: dsn + "&_cache_size=-8192", drv: drv}),
		write: sql.OpenDB(connector{dsn: dsn + "&_cache_size=-16384&_txlock=immediate", drv: drv}),
	}
	db.write.SetMaxOpenConns(1)
	db.read.SetMaxOpenConns(8)
	db.read.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Path returns the file the store lives in.
func (db *DB) Path() string { return db.path }

// Close closes both connection pools.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// Ping checks that the store answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

type connector struct {
	dsn string
	drv *sqlite3.SQLiteDriver
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c connector) Driver() driver.Driver                        { return c.drv }

// connectHook keeps temporary files and statement journals in memory (a large import otherwise writes a
// statement journal page for nearly every row) and registers the GeoPackage geometry functions the R*Tree
// triggers call (GeoPackage 1.3, F.3).
func connectHook(conn *sqlite3.SQLiteConn) error {
	if _, err := conn.Exec("PRAGMA temp_store = MEMORY", nil); err != nil {
		return fmt.Errorf("sqlite: temp_store: %w", err)
	}
	env := func(blob []byte) (minx, maxx, miny, maxy float64, ok bool) {
		b, empty, err := geo.GPKGEnvelope(blob)
		if err != nil || empty {
			return 0, 0, 0, 0, false
		}
		return b.Min.X(), b.Max.X(), b.Min.Y(), b.Max.Y(), true
	}
	funcs := map[string]any{
		"ST_IsEmpty": func(blob []byte) int {
			if _, _, _, _, ok := env(blob); ok {
				return 0
			}
			return 1
		},
		"ST_MinX": func(blob []byte) float64 { v, _, _, _, _ := env(blob); return v },
		"ST_MaxX": func(blob []byte) float64 { _, v, _, _, _ := env(blob); return v },
		"ST_MinY": func(blob []byte) float64 { _, _, v, _, _ := env(blob); return v },
		"ST_MaxY": func(blob []byte) float64 { _, _, _, v, _ := env(blob); return v },
	}
	for name, fn := range funcs {
		if err := conn.RegisterFunc(name, fn, true); err != nil {
			return fmt.Errorf("sqlite: register %s: %w", name, err)
		}
	}
	return nil
}

func readMigrations() ([]migrations.Migration, error) {
	return migrations.Read(migrationFS, "migrations", "sqlite")
}

// migrate applies every migration the file has not had yet, in version order, each in its own transaction.
// Versions may have gaps (work on different features takes numbers from different ranges), so a migration is
// applied when its version is missing from tiled_schema, not only when it is above the highest applied one.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := readMigrations()
	if err != nil {
		return err
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS tiled_schema (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite: open %s: %w", db.path, err)
	}
	applied := map[int]bool{}
	rows, err := db.write.QueryContext(ctx, "SELECT version FROM tiled_schema")
	if err != nil {
		return err
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	known := map[int]bool{}
	for _, m := range ms {
		known[m.Version] = true
	}
	for v := range applied {
		if !known[v] {
			return fmt.Errorf("%w: file has migration %d, which this build does not know", ErrSchema, v)
		}
	}
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		if strings.HasPrefix(m.SQL, noForeignKeys) {
			if err := db.migrateRebuilding(ctx, m); err != nil {
				return err
			}
			continue
		}
		err := db.writeTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("sqlite: migration %03d_%s: %w", m.Version, m.Name, err)
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO tiled_schema VALUES (?, ?, ?)", m.Version, m.Name, now())
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// noForeignKeys starts a migration that rebuilds a table other tables refer to (SQLite's twelve-step ALTER TABLE,
// https://sqlite.org/lang_altertable.html#otheralter): it runs with foreign key enforcement off, which can only
// be switched outside a transaction, and is checked with foreign_key_check before it commits.
const noForeignKeys = "-- tiled: foreign keys off"

// migrateRebuilding applies m on the write connection with foreign keys off, in one transaction that commits only
// when PRAGMA foreign_key_check finds nothing wrong.
func (db *DB) migrateRebuilding(ctx context.Context, m migrations.Migration) (err error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return err
	}
	defer func() {
		if _, ferr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON"); ferr != nil && err == nil {
			err = ferr
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return errors.Join(fmt.Errorf("sqlite: migration %03d_%s: %w", m.Version, m.Name, err), rollback(tx))
	}
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return errors.Join(err, rollback(tx))
	}
	bad := rows.Next()
	if err := errors.Join(rows.Err(), rows.Close()); err != nil || bad {
		return errors.Join(fmt.Errorf("sqlite: migration %03d_%s breaks a foreign key", m.Version, m.Name), err, rollback(tx))
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO tiled_schema VALUES (?, ?, ?)", m.Version, m.Name, now()); err != nil {
		return errors.Join(err, rollback(tx))
	}
	return tx.Commit()
}

// SchemaVersion returns the highest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.read.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM tiled_schema").Scan(&v)
	return v, err
}

// writeTx runs fn in an IMMEDIATE transaction on the write pool, committing when fn returns nil.
func (db *DB) writeTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.storageErr(err)
	}
	if err := fn(tx); err != nil {
		return db.storageErr(errors.Join(err, rollback(tx)))
	}
	return db.storageErr(tx.Commit())
}

func rollback(tx *sql.Tx) error {
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return err
	}
	return nil
}

// DataVersion returns a number that changes whenever places or claims change; caches key on it.
func (db *DB) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.read.QueryRowContext(ctx, "SELECT value FROM tiled_meta WHERE key = 'data_version'").Scan(&v)
	return v, err
}

// PlacesVersion returns a number that changes whenever places change (not claims): caches of the gazetteer key
// on it.
func (db *DB) PlacesVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.read.QueryRowContext(ctx, "SELECT value FROM tiled_meta WHERE key = 'places_version'").Scan(&v)
	return v, err
}

// bumpDataVersion increments the data version inside a write transaction.
func bumpDataVersion(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "UPDATE tiled_meta SET value = value + 1 WHERE key = 'data_version'")
	return err
}

func now() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }

// ReadPool returns the read connection pool, for read-only SQL the typed views do not cover (tests, exports).
func (db *DB) ReadPool() *sql.DB { return db.read }

// Checkpoint copies the write-ahead log into the main database file, so that readers which open the file without
// its WAL (GDAL read-only, file copies) see every committed change.
func (db *DB) Checkpoint(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// Snapshot writes a consistent copy of the store's public data — a GeoPackage — to the new file path: SQLite's
// VACUUM INTO inside one read transaction (writers are not blocked), then every table that is not public data
// (ExportTable) dropped, the claims' recorded_by column (write tokens' names) dropped, and the file vacuumed again,
// so that nothing of them is left in its free pages. Write tokens and their names, sessions, pasted reports and the
// store's bookkeeping never leave in a snapshot. The request context
// interrupts the copy; on any error the file is removed.
func (db *DB) Snapshot(ctx context.Context, path string) (err error) {
	defer func() {
		if err != nil {
			os.Remove(path)
		}
	}()
	if _, err := db.read.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("sqlite: snapshot: %w", err)
	}
	snap, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=off")
	if err != nil {
		return err
	}
	defer snap.Close()
	snap.SetMaxOpenConns(1)
	rows, err := snap.QueryContext(ctx, "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		return fmt.Errorf("sqlite: snapshot: %w", err)
	}
	var drop []string
	for rows.Next() {
		var typ, name string
		if err := rows.Scan(&typ, &name); err != nil {
			rows.Close()
			return err
		}
		if !ExportTable(name) {
			drop = append(drop, "DROP "+strings.ToUpper(typ)+" IF EXISTS "+quoteIdent(name))
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for _, q := range append(drop,
		"DELETE FROM gpkg_contents WHERE table_name NOT IN (SELECT name FROM sqlite_master)",
		"DELETE FROM gpkg_geometry_columns WHERE table_name NOT IN (SELECT name FROM sqlite_master)",
		"DELETE FROM gpkg_extensions WHERE table_name IS NOT NULL AND table_name NOT IN (SELECT name FROM sqlite_master)",
		// Who recorded each claim is a write token's name: internal, like the tokens themselves.
		"ALTER TABLE claims DROP COLUMN recorded_by",
		"VACUUM") {
		if _, err := snap.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlite: snapshot: %s: %w", q, err)
		}
	}
	return snap.Close()
}

// ExportTable reports whether the table (or view) name is public data that snapshots keep: the GeoPackage's own
// tables, the settlements with their spatial index, the sources and the claims. Anything else — tokens, sessions,
// reports, the match keys, the schema's bookkeeping, and any table added later — stays out unless listed here.
func ExportTable(name string) bool {
	switch name {
	case "settlements", "sources", "claims":
		return true
	}
	return strings.HasPrefix(name, "gpkg_") || strings.HasPrefix(name, "rtree_settlements_geom")
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
