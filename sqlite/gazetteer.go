package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/geo"
	"github.com/tiled-maps/tiled/names"
)

// Gazetteer is the gazetteer.Store view of a DB.
type Gazetteer struct{ db *DB }

// Gazetteer returns the store's gazetteer.
func (db *DB) Gazetteer() *Gazetteer { return &Gazetteer{db: db} }

var _ gazetteer.Store = (*Gazetteer)(nil)

const placeColumns = `s.id, s.slug, s.geonameid, s.name, s.name_ru, s.name_uk, s.names, s.country, s.admin1, s.admin1_code,
	s.admin2, s.admin2_code, s.population, s.population_year, s.feature_code, s.place_type, s.precision_km,
	s.approximate, s.location_method, s.location_source, s.location_note, s.near, s.codes, s.source,
	s.confidence, s.geom`

type rowScanner interface{ Scan(dest ...any) error }

// scanPlace reads placeColumns (plus extra destinations) into a Place; Names holds the official ru/uk names only.
func scanPlace(r rowScanner, extra ...any) (gazetteer.Place, error) {
	var (
		p                                                                  gazetteer.Place
		slug, nameRU, nameUK, namesJSON, country, a1, a1c, a2, a2c, fc, pt sql.NullString
		method, locSrc, note, near, codes, source, confidence              sql.NullString
		gid, pop, popYear                                                  sql.NullInt64
		prec                                                               sql.NullFloat64
		geom                                                               []byte
	)
	dest := append([]any{&p.ID, &slug, &gid, &p.Name, &nameRU, &nameUK, &namesJSON, &country, &a1, &a1c, &a2, &a2c, &pop,
		&popYear, &fc, &pt, &prec, &p.Approximate, &method, &locSrc, &note, &near, &codes, &source, &confidence,
		&geom}, extra...)
	if err := r.Scan(dest...); err != nil {
		return p, err
	}
	pnt, err := geo.DecodeGPKGPoint(geom)
	if err != nil {
		return p, fmt.Errorf("sqlite: place %s: %w", p.ID, err)
	}
	p.Point = pnt
	p.Slug, p.GeonameID, p.Country = slug.String, gid.Int64, country.String
	p.Admin1, p.Admin1Code, p.Admin2, p.Admin2Code = a1.String, a1c.String, a2.String, a2c.String
	p.Population, p.PopulationYear, p.FeatureCode, p.PlaceType = pop.Int64, int(popYear.Int64), fc.String, pt.String
	p.PrecisionKM, p.LocationMethod, p.LocationSource, p.LocationNote = prec.Float64, method.String, locSrc.String, note.String
	p.Source, p.Confidence = source.String, confidence.String
	if near.Valid {
		if err := json.Unmarshal([]byte(near.String), &p.Near); err != nil {
			return p, fmt.Errorf("sqlite: place %s near: %w", p.ID, err)
		}
	}
	if codes.Valid {
		if err := json.Unmarshal([]byte(codes.String), &p.Codes); err != nil {
			return p, fmt.Errorf("sqlite: place %s codes: %w", p.ID, err)
		}
	}
	if namesJSON.Valid {
		if err := json.Unmarshal([]byte(namesJSON.String), &p.Names); err != nil {
			return p, fmt.Errorf("sqlite: place %s names: %w", p.ID, err)
		}
		return p, nil
	}
	// Without the names list (summaries), keep the official names the row's columns carry.
	for _, n := range []gazetteer.Name{{Name: nameRU.String, Lang: "ru"}, {Name: nameUK.String, Lang: "uk"}} {
		if n.Name != "" {
			n.Kind = gazetteer.KindOfficial
			p.Names = append(p.Names, n)
		}
	}
	return p, nil
}

// Place returns the place with id or slug.
func (g *Gazetteer) Place(ctx context.Context, id string) (gazetteer.Place, error) {
	row := g.db.read.QueryRowContext(ctx, "SELECT "+placeColumns+" FROM settlements s WHERE s.id = ?1 OR s.slug = ?1 ORDER BY s.id = ?1 DESC LIMIT 1", id)
	p, err := scanPlace(row)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("%w: %q", gazetteer.ErrNotFound, id)
	}
	if err != nil {
		return p, err
	}
	return p, err
}

// PlacesByKeys returns the places indexed under any of keys, one KeyMatch per (place, key).
func (g *Gazetteer) PlacesByKeys(ctx context.Context, keys []string) ([]gazetteer.KeyMatch, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	rows, err := g.db.read.QueryContext(ctx, "SELECT "+placeColumns+`, k.key, k.name FROM name_keys k
		JOIN settlements s ON s.id = k.place_id WHERE k.key IN (?`+strings.Repeat(",?", len(keys)-1)+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gazetteer.KeyMatch
	for rows.Next() {
		var m gazetteer.KeyMatch
		p, err := scanPlace(rows, &m.Key, &m.Name)
		if err != nil {
			return nil, err
		}
		m.Place = p
		out = append(out, m)
	}
	return out, rows.Err()
}

// PlacesWithin returns the places whose point is inside b, through the R*Tree.
func (g *Gazetteer) PlacesWithin(ctx context.Context, b orb.Bound, limit int) ([]gazetteer.Place, error) {
	if limit <= 0 {
		limit = -1
	}
	return collectPlaces(ctx, g.db.read, "SELECT "+placeColumns+` FROM rtree_settlements_geom r
		JOIN settlements s ON s.fid = r.id
		WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ? LIMIT ?`,
		b.Max.X(), b.Min.X(), b.Max.Y(), b.Min.Y(), limit)
}

// AllPlaces returns every place, ordered by id.
func (g *Gazetteer) AllPlaces(ctx context.Context) ([]gazetteer.Place, error) {
	return collectPlaces(ctx, g.db.read, "SELECT "+placeColumns+" FROM settlements s ORDER BY s.id")
}

// EachPlace calls fn with every full place in id order, one at a time.
func (g *Gazetteer) EachPlace(ctx context.Context, fn func(gazetteer.Place) error) error {
	return eachPlace(ctx, g.db.read, fn, "SELECT "+placeColumns+" FROM settlements s ORDER BY s.id")
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// stmtQuerier lets a prepared statement stand where a query is expected; the query text is ignored.
type stmtQuerier struct{ st *sql.Stmt }

func (s stmtQuerier) QueryContext(ctx context.Context, _ string, args ...any) (*sql.Rows, error) {
	return s.st.QueryContext(ctx, args...)
}

// eachPlace runs a query selecting placeColumns (or summaryColumns) and calls fn with each place.
func eachPlace(ctx context.Context, q querier, fn func(gazetteer.Place) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPlace(rows)
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return rows.Err()
}

// collectPlaces returns every place a query selects.
func collectPlaces(ctx context.Context, q querier, query string, args ...any) ([]gazetteer.Place, error) {
	var out []gazetteer.Place
	err := eachPlace(ctx, q, func(p gazetteer.Place) error {
		out = append(out, p)
		return nil
	}, query, args...)
	return out, err
}

// CountPlaces returns the number of places.
func (g *Gazetteer) CountPlaces(ctx context.Context) (int, error) {
	var n int
	err := g.db.read.QueryRowContext(ctx, "SELECT count(*) FROM settlements").Scan(&n)
	return n, err
}

// ImportPlaces runs fn in one IMMEDIATE transaction; on success it refreshes the layer extent in gpkg_contents and
// bumps the data version, on error it rolls everything back.
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
		w, err := newPlaceWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		if err := fn(w); err != nil {
			return err
		}
		if err := w.flush(ctx); err != nil {
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
	return g.db.Checkpoint(ctx)
}

// importCacheKiB is the writer's page cache during an import, in KiB: 64 MiB. An import of a million places holds
// its RSS under 300 MB with it; the pages it evicts are re-read from the operating system's file cache.
const importCacheKiB = 64 << 10

// keyBatch is how many name keys an import holds before writing them, sorted, into the key index: enough for
// neighbouring inserts to share B-tree pages, few enough (about 25 MB) that the import's memory does not grow with
// the file.
const keyBatch = 1 << 18

type placeWriter struct {
	insert, update, current, key, approx *sql.Stmt
	rtree                                *sql.Stmt
	pending                              []keyRow
	seen                                 []string  // the keys of the place being written
	extent                               orb.Bound // of the points written
	written                              bool
	// approximate counts the approximate places in the store, so that imports into a store without any skip
	// the per-place lookup for one.
	approximate int
}

func newPlaceWriter(ctx context.Context, tx *sql.Tx) (*placeWriter, error) {
	w := &placeWriter{}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM settlements WHERE approximate").Scan(&w.approximate); err != nil {
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
	for _, s := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&w.insert, `INSERT OR IGNORE INTO settlements (geom, id, slug, geonameid, name, name_ru, name_uk, names, country, admin1,
			admin1_code, admin2, admin2_code, population, population_year, feature_code, place_type, precision_km,
			approximate, location_method, location_source, location_note, near, codes, source, confidence, updated_at)
			VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27)`},
		// A plain UPDATE, not an UPSERT: the R*Tree triggers' INSERT OR REPLACE must keep its own conflict policy.
		{&w.update, "UPDATE settlements SET " + cols + " WHERE id = ?2"},
		{&w.current, "SELECT names, approximate FROM settlements WHERE id = ?"},
		{&w.key, "INSERT OR IGNORE INTO name_keys (key, place_id, name) VALUES (?, ?, ?)"},
		{&w.rtree, "INSERT OR REPLACE INTO rtree_settlements_geom VALUES (?, ?, ?, ?, ?)"},
		{&w.approx, "SELECT " + placeColumns + ` FROM name_keys k JOIN settlements s ON s.id = k.place_id
			WHERE k.key = ? AND s.country = ? AND s.approximate`},
	} {
		st, err := tx.PrepareContext(ctx, s.sql)
		if err != nil {
			w.close()
			return nil, err
		}
		*s.dst = st
	}
	return w, nil
}

func (w *placeWriter) close() {
	for _, st := range []*sql.Stmt{w.insert, w.update, w.current, w.key, w.approx, w.rtree} {
		if st != nil {
			st.Close()
		}
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

func jsonOrNull[T any](v []T) any {
	if len(v) == 0 {
		return nil
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Upsert inserts or updates p, merges its names with the stored ones and indexes every name's match keys.
func (w *placeWriter) Upsert(ctx context.Context, p gazetteer.Place) (bool, error) {
	var codes any
	if len(p.Codes) > 0 {
		b, _ := json.Marshal(p.Codes)
		codes = string(b)
	}
	args := []any{geo.EncodeGPKGPoint(p.Point), p.ID, nullStr(p.Slug), nullNum(p.GeonameID),
		p.Name, nullStr(p.NameIn("ru")), nullStr(p.NameIn("uk")), jsonOrNull(p.Names), nullStr(p.Country),
		nullStr(p.Admin1), nullStr(p.Admin1Code), nullStr(p.Admin2), nullStr(p.Admin2Code), nullNum(p.Population),
		nullNum(p.PopulationYear), nullStr(p.FeatureCode), nullStr(p.PlaceType), nullNum(p.PrecisionKM),
		p.Approximate, nullStr(p.LocationMethod), nullStr(p.LocationSource), nullStr(p.LocationNote),
		jsonOrNull(p.Near), codes, nullStr(p.Source), nullStr(p.Confidence), now()}
	// Most imports bring new places: try the INSERT first (OR IGNORE skips an existing id), update otherwise.
	res, err := w.insert.ExecContext(ctx, args...)
	if err != nil {
		return false, fmt.Errorf("store place %s: %w", p.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	inserted, wasApprox := n == 1, false
	if inserted { // what the R*Tree insert trigger, dropped for the import, would do
		fid, err := res.LastInsertId()
		if err != nil {
			return false, err
		}
		x, y := p.Point.X(), p.Point.Y()
		if _, err := w.rtree.ExecContext(ctx, fid, x, x, y, y); err != nil {
			return false, fmt.Errorf("store place %s: %w", p.ID, err)
		}
	}
	if !inserted {
		var stored sql.NullString
		if err := w.current.QueryRowContext(ctx, p.ID).Scan(&stored, &wasApprox); err != nil {
			return false, fmt.Errorf("store place %s: %w", p.ID, err)
		}
		if stored.Valid {
			var old []gazetteer.Name
			if err := json.Unmarshal([]byte(stored.String), &old); err != nil {
				return false, fmt.Errorf("place %s: stored names: %w", p.ID, err)
			}
			args[7] = jsonOrNull(mergeNames(old, p.Names))
		}
		if _, err := w.update.ExecContext(ctx, args...); err != nil {
			return false, fmt.Errorf("store place %s: %w", p.ID, err)
		}
	}
	if !w.written {
		w.extent, w.written = p.Point.Bound(), true
	} else {
		w.extent = w.extent.Extend(p.Point)
	}
	if p.Approximate && (inserted || !wasApprox) {
		w.approximate++
	}
	w.seen = w.seen[:0]
	for j := -1; j < len(p.Names); j++ {
		name := p.Name
		if j >= 0 {
			name = p.Names[j].Name
		}
		for _, k := range names.Keys(name) {
			if slices.Contains(w.seen, k) {
				continue
			}
			w.seen = append(w.seen, k)
			if !p.Approximate {
				w.pending = append(w.pending, keyRow{k, p.ID, name})
				if len(w.pending) >= keyBatch {
					if err := w.flush(ctx); err != nil {
						return false, err
					}
				}
				continue
			}
			// Approximate places are looked up by key later in the same import: index them at once.
			if _, err := w.key.ExecContext(ctx, k, p.ID, name); err != nil {
				return false, fmt.Errorf("store key of %s: %w", p.ID, err)
			}
		}
	}
	return inserted, nil
}

// keyRow is a name key waiting to be indexed.
type keyRow struct{ key, placeID, name string }

// flush indexes the pending keys in key order: writing a batch in order lets neighbouring keys share B-tree pages,
// several times faster than inserting each where it falls.
func (w *placeWriter) flush(ctx context.Context) error {
	sort.Slice(w.pending, func(i, j int) bool {
		a, b := w.pending[i], w.pending[j]
		if a.key != b.key {
			return a.key < b.key
		}
		return a.placeID < b.placeID
	})
	for _, r := range w.pending {
		if _, err := w.key.ExecContext(ctx, r.key, r.placeID, r.name); err != nil {
			return fmt.Errorf("store key of %s: %w", r.placeID, err)
		}
	}
	w.pending = w.pending[:0]
	return nil
}

// mergeNames returns old followed by the names of add it lacks.
func mergeNames(old, add []gazetteer.Name) []gazetteer.Name {
	has := make(map[gazetteer.Name]bool, len(old))
	for _, n := range old {
		has[n] = true
	}
	for _, n := range add {
		if !has[n] {
			has[n] = true
			old = append(old, n)
		}
	}
	return old
}

func (w *placeWriter) ApproximatePlaces(ctx context.Context, key, country string) ([]gazetteer.Place, error) {
	if w.approximate == 0 {
		return nil, nil
	}
	return collectPlaces(ctx, stmtQuerier{w.approx}, "", key, country)
}

// summaryColumns is placeColumns without the alternate names and long texts.
var summaryColumns = strings.NewReplacer("s.names", "NULL", "s.codes", "NULL", "s.source", "NULL",
	"s.location_note", "NULL", "s.place_type", "NULL", "s.near", "NULL").Replace(placeColumns)

// PlaceSummaries returns every place with its official names but without alternate names, codes, sources and
// notes, ordered by id.
func (g *Gazetteer) PlaceSummaries(ctx context.Context) ([]gazetteer.Place, error) {
	return collectPlaces(ctx, g.db.read, "SELECT "+summaryColumns+" FROM settlements s ORDER BY s.id")
}

// EachPlaceSummary calls fn with the summary of every place (as PlaceSummaries has them) in id order, one at a
// time, so that building an in-memory index does not first hold every full record.
func (g *Gazetteer) EachPlaceSummary(ctx context.Context, fn func(gazetteer.Place) error) error {
	return eachPlace(ctx, g.db.read, fn, "SELECT "+summaryColumns+" FROM settlements s ORDER BY s.id")
}

// Version returns the places version (see DB.PlacesVersion).
func (g *Gazetteer) Version(ctx context.Context) (int64, error) { return g.db.PlacesVersion(ctx) }
