package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/geo"
	"github.com/tiled-maps/tiled/names"
)

// ImportPlaces runs fn in one IMMEDIATE transaction; on success it refreshes the layer extent in gpkg_contents and
// bumps the data version, on error it rolls everything back.
//
// New places are written in batches by a goroutine of the import's own while fn goes on reading and preparing the
// next ones (see placeWriter), so an import keeps two cores busy; everything else — updates of stored places,
// approximate places — is written at once, after the batches queued before it.
func (g *Gazetteer) ImportPlaces(ctx context.Context, fn func(w gazetteer.PlaceWriter) error) error {
	err := g.db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", importCacheKiB)); err != nil {
			return err
		}
		defer tx.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = -16384") //nolint:errcheck // best effort
		// The GeoPackage's R*Tree insert trigger calls five Go functions a row to read the point back out of its
		// blob; the writer knows the point and fills the R*Tree itself, and the trigger is restored before commit
		// (DDL is transactional: an import that fails restores it with everything else).
		var trigger string
		if err := tx.QueryRowContext(ctx, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'rtree_settlements_geom_insert'").Scan(&trigger); err != nil {
			return fmt.Errorf("sqlite: R*Tree trigger: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "DROP TRIGGER rtree_settlements_geom_insert"); err != nil {
			return err
		}
		w, err := newPlaceWriter(ctx, g.db, tx)
		if err != nil {
			return err
		}
		defer w.close()
		if err := fn(w); err != nil {
			return err
		}
		if err := w.finish(ctx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, trigger); err != nil {
			return fmt.Errorf("sqlite: restore the R*Tree trigger: %w", err)
		}
		// The layer extent grows by the points this import wrote (GeoPackage: the extent is informative, and a
		// moved point may leave it wider than needed, never narrower).
		if w.written {
			if _, err := tx.ExecContext(ctx, `UPDATE gpkg_contents SET
				min_x = min(coalesce(min_x, ?1), ?1), min_y = min(coalesce(min_y, ?2), ?2),
				max_x = max(coalesce(max_x, ?3), ?3), max_y = max(coalesce(max_y, ?4), ?4),
				last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = 'settlements'`,
				w.extent.Min.X(), w.extent.Min.Y(), w.extent.Max.X(), w.extent.Max.Y()); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE tiled_meta SET value = value + 1 WHERE key = 'places_version'"); err != nil {
			return err
		}
		return bumpDataVersion(ctx, tx)
	})
	if err != nil {
		return err
	}
	if err := g.db.Checkpoint(ctx); err != nil {
		return err
	}
	// The import's page cache was four times the writer's usual one: hand what it holds back to the allocator.
	_, err = g.db.write.ExecContext(ctx, "PRAGMA shrink_memory")
	return err
}

// importCacheKiB is the writer's page cache during an import, in KiB: 64 MiB. An import of a million places holds
// its RSS under 300 MB with it (270 MB); the pages it evicts are re-read from the operating system's file cache.
// 40 MiB measured as fast with 245 MB, but then a 100,000-place import spills pages into the WAL before its commit,
// and make crashtest's way of telling a committed import from the WAL's size no longer holds (see BENCHMARKS.md).
const importCacheKiB = 64 << 10

// importBatches sizes an import's batches. The zero value of a field means its default; tests make them small so
// that a few places cross batch boundaries.
type importBatches struct {
	// rows is how many new places one multi-row INSERT writes (28 parameters a place).
	rows int
	// job is how many new places are handed to the writing goroutine at once (a multiple of rows).
	job int
	// keys is how many name keys an import holds before writing them, sorted, into the key index: enough for
	// neighbouring inserts to share B-tree pages, few enough that the import's memory does not grow with the file
	// (one batch is written while the next fills: about 25 MB for both).
	keys int
	// keyRows is how many name keys one multi-row INSERT writes (3 parameters a key).
	keyRows int
}

func (b importBatches) withDefaults() importBatches {
	def := importBatches{rows: 64, job: 512, keys: 1 << 16, keyRows: 128}
	if b.rows <= 0 {
		b.rows = def.rows
	}
	if b.job <= 0 {
		b.job = def.job
	}
	b.job = max(b.rows, b.job/b.rows*b.rows)
	if b.keys <= 0 {
		b.keys = def.keys
	}
	if b.keyRows <= 0 {
		b.keyRows = def.keyRows
	}
	return b
}

// placeArity is the number of values of a settlements row as the writer binds them: fid first, then the 27 of
// placeArgs.
const placeArity = 28

// settlementColumns are the columns placeArgs fills, in order.
const settlementColumns = `fid, geom, id, slug, geonameid, name, name_ru, name_uk, names, country, admin1, admin1_code,
	admin2, admin2_code, population, population_year, feature_code, place_type, precision_km, approximate,
	location_method, location_source, location_note, near, codes, source, confidence, updated_at`

// valuesList returns rows parenthesised lists of n parameters each: "(?,?),(?,?)".
func valuesList(rows, n int) string {
	one := "(?" + strings.Repeat(",?", n-1) + ")"
	return one + strings.Repeat(","+one, rows-1)
}

// rtreeValues returns rows R*Tree rows of numbered parameters, three a point (fid, x, y) bound once each for the
// box's five columns: "(?1,?2,?2,?3,?3),(?4,…)".
func rtreeValues(rows int) string {
	var b strings.Builder
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		n := 3 * i
		fmt.Fprintf(&b, "(?%d,?%d,?%d,?%d,?%d)", n+1, n+2, n+2, n+3, n+3)
	}
	return b.String()
}

// placeWriter writes an import's places. It runs on the importing goroutine and prepares every place there — the
// row's values, its match keys, their sorting — and hands new places and sorted keys in batches to a bulkWriter,
// which writes them with multi-row INSERTs on a goroutine of its own. What needs the store as it is now is written
// at once, after the queued batches (drain): a place whose id may already be stored (updated, names merged) and an
// approximate place (kept in an in-memory index that ApproximatePlaces answers from, as stored).
//
// Whether an id is new is known without waiting for the batches: the ids inserted by this import are kept as 64-bit
// hashes (a hash that collides only sends a new place the slow way), and ids stored before the import are looked up
// on a read connection, which sees the store as it was when the import began. A store that was empty skips that.
type placeWriter struct {
	tx    *sql.Tx
	sizes importBatches
	bulk  *bulkWriter
	// Statements run on the importing goroutine, after a drain.
	insert, update, current, stored, rtree *sql.Stmt
	// readConn and existed look ids up in the store as it was before the import; nil when it was empty.
	readConn *sql.Conn
	existed  *sql.Stmt

	seed     maphash.Seed
	inserted map[uint64]struct{} // hashes of the ids this import inserted
	nextFID  int64               // the fid of the next new place
	batch    []any               // queued new places, placeArity values each
	points   []orb.Point         // their points, for the R*Tree
	at       string              // updated_at of the queued places
	queued   bool                // a job was sent since the last drain
	keys     []keyRow            // name keys waiting to be sorted and written
	seen     []string            // the keys of the place being written
	extent   orb.Bound           // of the points written
	written  bool

	// approx holds the store's approximate places by id, as stored, and approxKeys their ids by the match keys of
	// their names (as stored, and as written by this import), kept in memory since they are few. (Reading their
	// rows of name_keys instead would scan the whole key index: 23 s at a million places; a key of a name the
	// record no longer holds, a primary name replaced by an earlier import, is not found this way.)
	approx     map[string]gazetteer.Place
	approxKeys map[string][]string
}

func newPlaceWriter(ctx context.Context, db *DB, tx *sql.Tx) (_ *placeWriter, err error) {
	w := &placeWriter{tx: tx, sizes: db.importBatches.withDefaults(), seed: maphash.MakeSeed(),
		inserted: map[uint64]struct{}{}, approx: map[string]gazetteer.Place{}, approxKeys: map[string][]string{}}
	defer func() {
		if err != nil {
			w.close()
		}
	}()
	var empty bool
	if err := tx.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM settlements),
		max(coalesce((SELECT max(fid) FROM settlements), 0), coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'settlements'), 0)) + 1`).
		Scan(&empty, &w.nextFID); err != nil {
		return nil, err
	}
	// The approximate places (few; found through their partial index) and the match keys of their names.
	if err := eachPlace(ctx, tx, func(p gazetteer.Place) error {
		w.noteApproximate(p, p.Name)
		for _, n := range p.Names {
			w.noteApproximate(p, n.Name)
		}
		return nil
	}, "SELECT "+placeColumns+" FROM settlements s WHERE s.approximate"); err != nil {
		return nil, err
	}
	const cols = `geom = ?1, slug = coalesce(?3, slug), geonameid = coalesce(?4, geonameid), name = ?5,
		name_ru = coalesce(?6, name_ru), name_uk = coalesce(?7, name_uk), names = ?8, country = coalesce(?9, country),
		admin1 = coalesce(?10, admin1), admin1_code = coalesce(?11, admin1_code), admin2 = coalesce(?12, admin2),
		admin2_code = coalesce(?13, admin2_code), population = coalesce(?14, population),
		population_year = coalesce(?15, population_year), feature_code = coalesce(?16, feature_code),
		place_type = coalesce(?17, place_type), precision_km = coalesce(?18, precision_km), approximate = ?19,
		location_method = coalesce(?20, location_method), location_source = ?21,
		location_note = coalesce(?22, location_note), near = coalesce(?23, near), codes = coalesce(?24, codes),
		source = coalesce(?25, source), confidence = coalesce(?26, confidence), updated_at = ?27`
	bulk := &bulkWriter{placeRows: w.sizes.rows, keyRows: w.sizes.keyRows, jobs: make(chan bulkJob, 2),
		done: make(chan struct{}), spareKeys: make(chan []keyRow, 1)}
	w.bulk = bulk
	go bulk.run(ctx) // idle until the first batch; close stops it
	for _, s := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&w.insert, "INSERT OR IGNORE INTO settlements (" + settlementColumns + ") VALUES " + valuesList(1, placeArity)},
		// A plain UPDATE, not an UPSERT: the R*Tree triggers' INSERT OR REPLACE must keep its own conflict policy.
		{&w.update, "UPDATE settlements SET " + cols + " WHERE id = ?2"},
		{&w.current, "SELECT names, approximate FROM settlements WHERE id = ?"},
		{&w.stored, "SELECT " + placeColumns + " FROM settlements s WHERE s.id = ?"},
		{&w.rtree, "INSERT INTO rtree_settlements_geom VALUES (?, ?, ?, ?, ?)"},
		// The batches' INSERTs are plain ones: an id the writer took for new and that is not would be a bug, and
		// fails the import instead of leaving an R*Tree box without its row.
		{&bulk.insert, "INSERT INTO settlements (" + settlementColumns + ") VALUES " + valuesList(w.sizes.rows, placeArity)},
		{&bulk.insertOne, "INSERT INTO settlements (" + settlementColumns + ") VALUES " + valuesList(1, placeArity)},
		{&bulk.rtree, "INSERT INTO rtree_settlements_geom VALUES " + rtreeValues(w.sizes.rows)},
		{&bulk.rtreeOne, "INSERT INTO rtree_settlements_geom VALUES " + rtreeValues(1)},
		{&bulk.key, "INSERT OR IGNORE INTO name_keys (key, place_id, name) VALUES " + valuesList(w.sizes.keyRows, 3)},
		{&bulk.keyOne, "INSERT OR IGNORE INTO name_keys (key, place_id, name) VALUES (?, ?, ?)"},
	} {
		st, err := tx.PrepareContext(ctx, s.sql)
		if err != nil {
			return nil, err
		}
		*s.dst = st
	}
	if !empty {
		c, err := db.read.Conn(ctx)
		if err != nil {
			return nil, err
		}
		w.readConn = c
		if w.existed, err = c.PrepareContext(ctx, "SELECT 1 FROM settlements WHERE id = ?"); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// close stops the writing goroutine (skipping what it has not written yet) and releases the statements; it may be
// called more than once.
func (w *placeWriter) close() {
	if w.bulk != nil {
		w.bulk.stop()
	}
	for _, st := range []*sql.Stmt{w.insert, w.update, w.current, w.stored, w.rtree, w.existed} {
		if st != nil {
			st.Close()
		}
	}
	if w.readConn != nil {
		w.readConn.Close()
		w.readConn = nil
	}
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullNum[T int | int64 | float64](v T) any {
	if v == 0 {
		return nil
	}
	return v
}

// nullInt is nullNum for the integers of a place, as int64: the type the driver binds without reflection.
func nullInt[T int | int64](v T) any {
	if v == 0 {
		return nil
	}
	return int64(v)
}

func nullFloat(v float64) any {
	if v == 0 {
		return nil
	}
	return v
}

func jsonOrNull[T any](v []T) any {
	if len(v) == 0 {
		return nil
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// appendPlaceArgs appends p's row to dst: fid, then the 27 values the update statement numbers ?1 to ?27.
func appendPlaceArgs(dst []any, fid int64, p gazetteer.Place, at string) []any {
	var codes any
	if len(p.Codes) > 0 {
		b, _ := json.Marshal(p.Codes)
		codes = string(b)
	}
	return append(dst, fid, geo.EncodeGPKGPoint(p.Point), p.ID, nullStr(p.Slug), nullInt(p.GeonameID),
		p.Name, nullStr(p.NameIn("ru")), nullStr(p.NameIn("uk")), jsonOrNull(p.Names), nullStr(p.Country),
		nullStr(p.Admin1), nullStr(p.Admin1Code), nullStr(p.Admin2), nullStr(p.Admin2Code), nullInt(p.Population),
		nullInt(p.PopulationYear), nullStr(p.FeatureCode), nullStr(p.PlaceType), nullFloat(p.PrecisionKM),
		p.Approximate, nullStr(p.LocationMethod), nullStr(p.LocationSource), nullStr(p.LocationNote),
		jsonOrNull(p.Near), codes, nullStr(p.Source), nullStr(p.Confidence), at)
}

// Upsert inserts or updates p, merges its names with the stored ones and indexes every name's match keys. A new
// place that is not approximate is queued for the writing goroutine; errors from writing it come back from a later
// call or from the end of the import.
func (w *placeWriter) Upsert(ctx context.Context, p gazetteer.Place) (bool, error) {
	if err := w.bulk.failed(); err != nil {
		return false, err
	}
	h := maphash.String(w.seed, p.ID)
	_, again := w.inserted[h]
	mayExist := again
	if !mayExist && w.existed != nil {
		var one int
		err := w.existed.QueryRowContext(context.WithoutCancel(ctx), p.ID).Scan(&one)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("store place %s: %w", p.ID, err)
		}
		mayExist = err == nil
	}
	if len(w.points) == 0 {
		w.at = now() // one updated_at a batch: the import is one transaction
	}
	inserted := true
	if mayExist || p.Approximate {
		var err error
		if inserted, err = w.upsertNow(ctx, p, now()); err != nil {
			return false, err
		}
	} else {
		w.batch = appendPlaceArgs(w.batch, w.nextFID, p, w.at)
		w.points = append(w.points, p.Point)
		w.nextFID++
		if len(w.points) >= w.sizes.job {
			w.sendPlaces()
		}
	}
	if inserted {
		w.inserted[h] = struct{}{}
	}
	if !w.written {
		w.extent, w.written = p.Point.Bound(), true
	} else {
		w.extent = w.extent.Extend(p.Point)
	}
	w.seen = w.seen[:0]
	for j := -1; j < len(p.Names); j++ {
		name := p.Name
		if j >= 0 {
			name = p.Names[j].Name
		}
		cloned := false
		for _, k := range names.Keys(name) {
			if slices.Contains(w.seen, k) {
				continue
			}
			w.seen = append(w.seen, k)
			if !cloned { // a name read from a file shares the memory of its whole line: keep only the name
				name, cloned = strings.Clone(name), true
			}
			w.keys = append(w.keys, keyRow{k, p.ID, name})
		}
	}
	if sp, ok := w.approx[p.ID]; ok {
		w.noteApproximate(sp, p.Name)
		for _, n := range p.Names {
			w.noteApproximate(sp, n.Name)
		}
	}
	if len(w.keys) >= w.sizes.keys {
		w.sendKeys()
	}
	return inserted, nil
}

// noteApproximate records approximate place p, as stored, in the in-memory index under the match keys of name.
func (w *placeWriter) noteApproximate(p gazetteer.Place, name string) {
	w.approx[p.ID] = p
	for _, k := range names.Keys(name) {
		if !slices.Contains(w.approxKeys[k], p.ID) {
			w.approxKeys[k] = append(w.approxKeys[k], p.ID)
		}
	}
}

// upsertNow writes p at once, after every queued batch: INSERT, or UPDATE with the names merged when the id is
// stored. It keeps the in-memory index of approximate places as stored.
func (w *placeWriter) upsertNow(ctx context.Context, p gazetteer.Place, at string) (bool, error) {
	if err := w.drain(); err != nil {
		return false, err
	}
	bg := context.WithoutCancel(ctx)
	args := appendPlaceArgs(make([]any, 0, placeArity), w.nextFID, p, at)
	res, err := w.insert.ExecContext(bg, args...)
	if err != nil {
		return false, fmt.Errorf("store place %s: %w", p.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	inserted, wasApprox := n == 1, false
	if inserted { // what the R*Tree insert trigger, dropped for the import, would do
		x, y := p.Point.X(), p.Point.Y()
		if _, err := w.rtree.ExecContext(bg, w.nextFID, x, x, y, y); err != nil {
			return false, fmt.Errorf("store place %s: %w", p.ID, err)
		}
		w.nextFID++
	} else {
		args = args[1:] // the update's ?1 to ?27
		var stored sql.NullString
		if err := w.current.QueryRowContext(bg, p.ID).Scan(&stored, &wasApprox); err != nil {
			return false, fmt.Errorf("store place %s: %w", p.ID, err)
		}
		if stored.Valid {
			var old []gazetteer.Name
			if err := json.Unmarshal([]byte(stored.String), &old); err != nil {
				return false, fmt.Errorf("place %s: stored names: %w", p.ID, err)
			}
			args[7] = jsonOrNull(gazetteer.MergeNames(old, p.Names))
		}
		if _, err := w.update.ExecContext(bg, args...); err != nil {
			return false, fmt.Errorf("store place %s: %w", p.ID, err)
		}
	}
	if p.Approximate || wasApprox {
		sp, err := scanPlace(w.stored.QueryRowContext(bg, p.ID))
		if err != nil {
			return false, fmt.Errorf("store place %s: %w", p.ID, err)
		}
		if sp.Approximate {
			w.approx[p.ID] = sp
		} else {
			delete(w.approx, p.ID)
		}
	}
	return inserted, nil
}

// sendPlaces hands the queued new places to the writing goroutine.
func (w *placeWriter) sendPlaces() {
	if len(w.points) == 0 {
		return
	}
	w.bulk.jobs <- bulkJob{places: w.batch, points: w.points}
	w.queued = true
	w.batch = make([]any, 0, w.sizes.job*placeArity)
	w.points = make([]orb.Point, 0, w.sizes.job)
}

// sendKeys sorts the waiting name keys and hands them to the writing goroutine: written in key order, neighbouring
// keys share B-tree pages, several times faster than inserting each where it falls.
func (w *placeWriter) sendKeys() {
	if len(w.keys) == 0 {
		return
	}
	slices.SortFunc(w.keys, func(a, b keyRow) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.placeID, b.placeID)
	})
	w.bulk.jobs <- bulkJob{keys: w.keys}
	w.queued = true
	select {
	case k := <-w.bulk.spareKeys:
		w.keys = k
	default:
		w.keys = make([]keyRow, 0, w.sizes.keys+64)
	}
}

// drain hands over the queued places and waits until the writing goroutine has written everything it was given.
func (w *placeWriter) drain() error {
	w.sendPlaces()
	if !w.queued {
		return w.bulk.failed()
	}
	ack := make(chan error, 1)
	w.bulk.jobs <- bulkJob{ack: ack}
	w.queued = false
	return <-ack
}

// finish writes everything still queued.
func (w *placeWriter) finish(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w.sendKeys()
	return w.drain()
}

// keyRow is a name key waiting to be indexed.
type keyRow struct{ key, placeID, name string }

// ApproximatePlaces returns the approximate places indexed under key in country, as stored, including those of
// this import: from the writer's in-memory index, which holds what a join of name_keys and settlements would find.
func (w *placeWriter) ApproximatePlaces(_ context.Context, key, country string) ([]gazetteer.Place, error) {
	if len(w.approx) == 0 || country == "" {
		return nil, nil
	}
	var out []gazetteer.Place
	for _, id := range w.approxKeys[key] {
		if p, ok := w.approx[id]; ok && p.Country == country {
			out = append(out, p)
		}
	}
	return out, nil
}

// bulkWriter writes batches of new places and sorted name keys on a goroutine of its own, with multi-row INSERTs.
// After its first error it skips every later batch and reports the error to each drain.
type bulkWriter struct {
	insert, insertOne, rtree, rtreeOne, key, keyOne *sql.Stmt
	placeRows, keyRows                              int

	jobs      chan bulkJob
	done      chan struct{}
	spareKeys chan []keyRow // written key batches, emptied, for the next ones
	stopOnce  sync.Once

	mu  sync.Mutex
	err error
}

// bulkJob is one batch for the bulkWriter: places (placeArity values each, with their points), or keys in key
// order, or neither with ack, which receives the writer's error state once everything before it is written.
type bulkJob struct {
	places []any
	points []orb.Point
	keys   []keyRow
	ack    chan<- error
}

// errImportStopped is what a bulkWriter reports once its import has been abandoned.
var errImportStopped = errors.New("sqlite: import stopped")

func (b *bulkWriter) failed() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

func (b *bulkWriter) fail(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == nil {
		b.err = err
	}
}

// stop makes the goroutine skip what it has not written yet and waits for it to end.
func (b *bulkWriter) stop() {
	b.stopOnce.Do(func() {
		b.fail(errImportStopped)
		close(b.jobs)
		<-b.done
		for _, st := range []*sql.Stmt{b.insert, b.insertOne, b.rtree, b.rtreeOne, b.key, b.keyOne} {
			if st != nil {
				st.Close()
			}
		}
	})
}

// run writes the jobs until the channel is closed. Statements run without the import's context (the driver
// would start a goroutine for every statement to watch it); the context is checked before each job instead.
func (b *bulkWriter) run(ctx context.Context) {
	defer close(b.done)
	bg := context.WithoutCancel(ctx)
	var args []any
	for j := range b.jobs {
		if b.failed() == nil {
			err := ctx.Err()
			if err == nil {
				err = b.write(bg, j, &args)
			}
			if err != nil {
				b.fail(err)
			}
		}
		if j.keys != nil {
			clear(j.keys)
			select {
			case b.spareKeys <- j.keys[:0]:
			default:
			}
		}
		if j.ack != nil {
			j.ack <- b.failed()
		}
	}
}

func (b *bulkWriter) write(ctx context.Context, j bulkJob, buf *[]any) error {
	n := len(j.points)
	for i := 0; i < n; {
		rows, insert, rtree := b.placeRows, b.insert, b.rtree
		if n-i < rows {
			rows, insert, rtree = 1, b.insertOne, b.rtreeOne
		}
		vals := j.places[i*placeArity : (i+rows)*placeArity]
		if _, err := insert.ExecContext(ctx, vals...); err != nil {
			return fmt.Errorf("store places %v to %v: %w", vals[2], vals[len(vals)-placeArity+2], err)
		}
		args := (*buf)[:0]
		for k := range rows {
			pt := j.points[i+k]
			args = append(args, vals[k*placeArity], pt.X(), pt.Y())
		}
		*buf = args
		if _, err := rtree.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("store places %v to %v: %w", vals[2], vals[len(vals)-placeArity+2], err)
		}
		i += rows
	}
	for i := 0; i < len(j.keys); {
		rows, st := b.keyRows, b.key
		if len(j.keys)-i < rows {
			rows, st = 1, b.keyOne
		}
		args := (*buf)[:0]
		for _, k := range j.keys[i : i+rows] {
			args = append(args, k.key, k.placeID, k.name)
		}
		*buf = args
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("store keys of %s: %w", j.keys[i].placeID, err)
		}
		i += rows
	}
	clear(*buf)
	return nil
}
