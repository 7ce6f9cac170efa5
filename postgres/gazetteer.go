package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/gazetteer"
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
	s.confidence, ST_X(s.geom), ST_Y(s.geom)`

// summaryColumns is placeColumns without the alternate names and long texts.
var summaryColumns = strings.NewReplacer("s.names", "NULL", "s.codes", "NULL", "s.source", "NULL",
	"s.location_note", "NULL", "s.place_type", "NULL", "s.near", "NULL").Replace(placeColumns)

// scanPlace reads placeColumns (plus extra destinations) into a Place; without the names list (summaries), Names
// holds the official ru/uk names only.
func scanPlace(r pgx.Row, extra ...any) (gazetteer.Place, error) {
	var (
		p                                                                  gazetteer.Place
		slug, nameRU, nameUK, namesJSON, country, a1, a1c, a2, a2c, fc, pt sql.NullString
		method, locSrc, note, near, codes, source, confidence              sql.NullString
		gid, pop, popYear                                                  sql.NullInt64
		prec                                                               sql.NullFloat64
		x, y                                                               float64
	)
	dest := append([]any{&p.ID, &slug, &gid, &p.Name, &nameRU, &nameUK, &namesJSON, &country, &a1, &a1c, &a2, &a2c, &pop,
		&popYear, &fc, &pt, &prec, &p.Approximate, &method, &locSrc, &note, &near, &codes, &source, &confidence,
		&x, &y}, extra...)
	if err := r.Scan(dest...); err != nil {
		return p, err
	}
	p.Point = orb.Point{x, y}
	p.Slug, p.GeonameID, p.Country = slug.String, gid.Int64, country.String
	p.Admin1, p.Admin1Code, p.Admin2, p.Admin2Code = a1.String, a1c.String, a2.String, a2c.String
	p.Population, p.PopulationYear, p.FeatureCode, p.PlaceType = pop.Int64, int(popYear.Int64), fc.String, pt.String
	p.PrecisionKM, p.LocationMethod, p.LocationSource, p.LocationNote = prec.Float64, method.String, locSrc.String, note.String
	p.Source, p.Confidence = source.String, confidence.String
	if near.Valid {
		if err := json.Unmarshal([]byte(near.String), &p.Near); err != nil {
			return p, fmt.Errorf("postgres: place %s near: %w", p.ID, err)
		}
	}
	if codes.Valid {
		if err := json.Unmarshal([]byte(codes.String), &p.Codes); err != nil {
			return p, fmt.Errorf("postgres: place %s codes: %w", p.ID, err)
		}
	}
	if namesJSON.Valid {
		if err := json.Unmarshal([]byte(namesJSON.String), &p.Names); err != nil {
			return p, fmt.Errorf("postgres: place %s names: %w", p.ID, err)
		}
		return p, nil
	}
	for _, n := range []gazetteer.Name{{Name: nameRU.String, Lang: "ru"}, {Name: nameUK.String, Lang: "uk"}} {
		if n.Name != "" {
			n.Kind = gazetteer.KindOfficial
			p.Names = append(p.Names, n)
		}
	}
	return p, nil
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// eachPlace runs a query selecting placeColumns (or summaryColumns) and calls fn with each place.
func eachPlace(ctx context.Context, q querier, fn func(gazetteer.Place) error, query string, args ...any) error {
	rows, err := q.Query(ctx, query, args...)
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

func collectPlaces(ctx context.Context, q querier, query string, args ...any) ([]gazetteer.Place, error) {
	var out []gazetteer.Place
	err := eachPlace(ctx, q, func(p gazetteer.Place) error {
		out = append(out, p)
		return nil
	}, query, args...)
	return out, err
}

// Place returns the place with id or slug.
func (g *Gazetteer) Place(ctx context.Context, id string) (gazetteer.Place, error) {
	p, err := scanPlace(g.db.pool.QueryRow(ctx, "SELECT "+placeColumns+
		" FROM settlements s WHERE s.id = $1 OR s.slug = $1 ORDER BY s.id = $1 DESC LIMIT 1", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("%w: %q", gazetteer.ErrNotFound, id)
	}
	return p, err
}

// PlacesByKeys returns the places indexed under any of keys, one KeyMatch per (place, key).
func (g *Gazetteer) PlacesByKeys(ctx context.Context, keys []string) ([]gazetteer.KeyMatch, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	rows, err := g.db.pool.Query(ctx, "SELECT "+placeColumns+`, k.key, k.name FROM name_keys k
		JOIN settlements s ON s.id = k.place_id WHERE k.key = ANY($1)`, keys)
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

// PlacesWithin returns the places whose point is inside b, through the GiST index.
func (g *Gazetteer) PlacesWithin(ctx context.Context, b orb.Bound, limit int) ([]gazetteer.Place, error) {
	q := "SELECT " + placeColumns + ` FROM settlements s WHERE s.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)`
	args := []any{b.Min.X(), b.Min.Y(), b.Max.X(), b.Max.Y()}
	if limit > 0 {
		q += " LIMIT $5"
		args = append(args, limit)
	}
	return collectPlaces(ctx, g.db.pool, q, args...)
}

// AllPlaces returns every place, ordered by id.
func (g *Gazetteer) AllPlaces(ctx context.Context) ([]gazetteer.Place, error) {
	return collectPlaces(ctx, g.db.pool, "SELECT "+placeColumns+" FROM settlements s ORDER BY s.id COLLATE \"C\"")
}

// EachPlace calls fn with every full place in id order.
func (g *Gazetteer) EachPlace(ctx context.Context, fn func(gazetteer.Place) error) error {
	return eachPlace(ctx, g.db.pool, fn, "SELECT "+placeColumns+" FROM settlements s ORDER BY s.id COLLATE \"C\"")
}

// PlaceSummaries returns every place with its official names but without alternate names, codes, sources and
// notes, ordered by id.
func (g *Gazetteer) PlaceSummaries(ctx context.Context) ([]gazetteer.Place, error) {
	return collectPlaces(ctx, g.db.pool, "SELECT "+summaryColumns+" FROM settlements s ORDER BY s.id COLLATE \"C\"")
}

// EachPlaceSummary calls fn with the summary of every place in id order.
func (g *Gazetteer) EachPlaceSummary(ctx context.Context, fn func(gazetteer.Place) error) error {
	return eachPlace(ctx, g.db.pool, fn, "SELECT "+summaryColumns+" FROM settlements s ORDER BY s.id COLLATE \"C\"")
}

// CountPlaces returns the number of places.
func (g *Gazetteer) CountPlaces(ctx context.Context) (int, error) {
	var n int
	err := g.db.pool.QueryRow(ctx, "SELECT count(*) FROM settlements").Scan(&n)
	return n, err
}

// Version returns the places version.
func (g *Gazetteer) Version(ctx context.Context) (int64, error) { return g.db.PlacesVersion(ctx) }

// ImportPlaces runs fn in one transaction under the write lock: new places go in by COPY through a staging table,
// places already stored are updated row by row. On success it bumps the places and data versions; on error nothing
// is kept.
func (g *Gazetteer) ImportPlaces(ctx context.Context, fn func(w gazetteer.PlaceWriter) error) error {
	return g.db.writeTx(ctx, func(tx pgx.Tx) error {
		w, err := newPlaceWriter(ctx, tx)
		if err != nil {
			return err
		}
		if err := fn(w); err != nil {
			return err
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE tiled_meta SET value = value + 1 WHERE key = 'places_version'"); err != nil {
			return err
		}
		return bumpDataVersion(ctx, tx, Change{All: true})
	})
}

// flushEvery bounds how many new places wait in memory for COPY.
const flushEvery = 20000

type placeWriter struct {
	tx       pgx.Tx
	stored   map[string]bool // ids in the table (flushed), true when approximate
	pending  [][]any         // staging rows of new places not yet copied
	inBuffer map[string]bool // ids in pending, true when approximate
	keys     [][]any         // name_keys rows not yet copied
	// approximate counts the approximate places, so that imports into a store without any skip the lookup.
	approximate int
	// approx holds the approximate places (few: the seed data's relative locations) as stored, and approxKeys
	// their ids by name key and country, so that ApproximatePlaces, asked for every imported place, needs no round
	// trip to the server.
	approx     map[string]gazetteer.Place
	approxKeys map[string][]string
}

func approxKey(key, country string) string { return key + "\x00" + country }

// noteApproximate records p, as stored, in the in-memory approximate index (or removes it when p is not
// approximate any more).
func (w *placeWriter) noteApproximate(p gazetteer.Place) {
	if !p.Approximate {
		delete(w.approx, p.ID)
		return
	}
	w.approx[p.ID] = p
	for _, n := range append([]gazetteer.Name{{Name: p.Name}}, p.Names...) {
		for _, k := range names.Keys(n.Name) {
			ak := approxKey(k, p.Country)
			if !slices.Contains(w.approxKeys[ak], p.ID) {
				w.approxKeys[ak] = append(w.approxKeys[ak], p.ID)
			}
		}
	}
}

const stagingColumns = `lon, lat, id, slug, geonameid, name, name_ru, name_uk, names, country, admin1, admin1_code,
	admin2, admin2_code, population, population_year, feature_code, place_type, precision_km, approximate,
	location_method, location_source, location_note, near, codes, source, confidence, updated_at`

func newPlaceWriter(ctx context.Context, tx pgx.Tx) (*placeWriter, error) {
	w := &placeWriter{tx: tx, stored: map[string]bool{}, inBuffer: map[string]bool{},
		approx: map[string]gazetteer.Place{}, approxKeys: map[string][]string{}}
	rows, err := tx.Query(ctx, "SELECT id, approximate FROM settlements")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		var approx bool
		if err := rows.Scan(&id, &approx); err != nil {
			rows.Close()
			return nil, err
		}
		w.stored[id] = approx
		if approx {
			w.approximate++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if w.approximate > 0 {
		ps, err := collectPlaces(ctx, tx, "SELECT "+placeColumns+" FROM settlements s WHERE s.approximate")
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			w.noteApproximate(p)
		}
	}
	for _, q := range []string{
		`CREATE TEMP TABLE IF NOT EXISTS tiled_stage_places (lon float8, lat float8, id text, slug text,
			geonameid bigint, name text, name_ru text, name_uk text, names text, country text, admin1 text,
			admin1_code text, admin2 text, admin2_code text, population bigint, population_year integer,
			feature_code text, place_type text, precision_km float8, approximate boolean, location_method text,
			location_source text, location_note text, near text, codes text, source text, confidence text,
			updated_at timestamptz) ON COMMIT DROP`,
		`CREATE TEMP TABLE IF NOT EXISTS tiled_stage_keys (key text, place_id text, name text) ON COMMIT DROP`,
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return nil, err
		}
	}
	return w, nil
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

// placeRow returns p's values in stagingColumns order.
func placeRow(p gazetteer.Place, at time.Time) []any {
	var codes any
	if len(p.Codes) > 0 {
		b, _ := json.Marshal(p.Codes)
		codes = string(b)
	}
	return []any{p.Point.X(), p.Point.Y(), p.ID, nullStr(p.Slug), nullNum(p.GeonameID),
		p.Name, nullStr(p.NameIn("ru")), nullStr(p.NameIn("uk")), jsonOrNull(p.Names), nullStr(p.Country),
		nullStr(p.Admin1), nullStr(p.Admin1Code), nullStr(p.Admin2), nullStr(p.Admin2Code), nullNum(p.Population),
		nullNum(p.PopulationYear), nullStr(p.FeatureCode), nullStr(p.PlaceType), nullNum(p.PrecisionKM),
		p.Approximate, nullStr(p.LocationMethod), nullStr(p.LocationSource), nullStr(p.LocationNote),
		jsonOrNull(p.Near), codes, nullStr(p.Source), nullStr(p.Confidence), at}
}

// updatePlace is the SQLite store's update: non-empty fields replace stored ones, the point and names are replaced
// (names already merged by the caller).
const updatePlace = `UPDATE settlements SET geom = ST_SetSRID(ST_MakePoint($1, $2), 4326),
	slug = coalesce($4, slug), geonameid = coalesce($5, geonameid), name = $6,
	name_ru = coalesce($7, name_ru), name_uk = coalesce($8, name_uk), names = $9, country = coalesce($10, country),
	admin1 = coalesce($11, admin1), admin1_code = coalesce($12, admin1_code), admin2 = coalesce($13, admin2),
	admin2_code = coalesce($14, admin2_code), population = coalesce($15, population),
	population_year = coalesce($16, population_year), feature_code = coalesce($17, feature_code),
	place_type = coalesce($18, place_type), precision_km = coalesce($19, precision_km), approximate = $20,
	location_method = coalesce($21, location_method), location_source = $22,
	location_note = coalesce($23, location_note), near = coalesce($24, near), codes = coalesce($25, codes),
	source = coalesce($26, source), confidence = coalesce($27, confidence), updated_at = $28
	WHERE id = $3`

// Upsert queues a new place for COPY or updates a stored one, merging its names with the stored ones, and queues
// the match keys of every name.
func (w *placeWriter) Upsert(ctx context.Context, p gazetteer.Place) (bool, error) {
	row := placeRow(p, time.Now().UTC())
	if _, ok := w.inBuffer[p.ID]; ok { // the same id twice in one import: store the first, then update it
		if err := w.flush(ctx); err != nil {
			return false, err
		}
	}
	wasApprox, exists := w.stored[p.ID]
	if exists {
		var stored sql.NullString
		if err := w.tx.QueryRow(ctx, "SELECT names FROM settlements WHERE id = $1", p.ID).Scan(&stored); err != nil {
			return false, fmt.Errorf("store place %s: %w", p.ID, err)
		}
		if stored.Valid {
			var old []gazetteer.Name
			if err := json.Unmarshal([]byte(stored.String), &old); err != nil {
				return false, fmt.Errorf("place %s: stored names: %w", p.ID, err)
			}
			row[8] = jsonOrNull(gazetteer.MergeNames(old, p.Names))
		}
		if _, err := w.tx.Exec(ctx, updatePlace, row...); err != nil {
			return false, fmt.Errorf("store place %s: %w", p.ID, err)
		}
		w.stored[p.ID] = p.Approximate
		if p.Approximate { // the merged record, as stored
			sp, err := scanPlace(w.tx.QueryRow(ctx, "SELECT "+placeColumns+" FROM settlements s WHERE s.id = $1", p.ID))
			if err != nil {
				return false, fmt.Errorf("store place %s: %w", p.ID, err)
			}
			w.noteApproximate(sp)
		} else {
			delete(w.approx, p.ID)
		}
	} else {
		w.pending = append(w.pending, row)
		w.inBuffer[p.ID] = p.Approximate
		if p.Approximate {
			w.noteApproximate(p)
		}
	}
	if p.Approximate && (!exists || !wasApprox) {
		w.approximate++
	}
	seen := map[string]bool{}
	for _, n := range append([]gazetteer.Name{{Name: p.Name}}, p.Names...) {
		for _, k := range names.Keys(n.Name) {
			if !seen[k] {
				seen[k] = true
				w.keys = append(w.keys, []any{k, p.ID, n.Name})
			}
		}
	}
	if len(w.pending) >= flushEvery {
		return !exists, w.flush(ctx)
	}
	return !exists, nil
}

// flush copies the pending places and keys into their tables through the staging tables.
func (w *placeWriter) flush(ctx context.Context) error {
	if len(w.pending) > 0 {
		if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{"tiled_stage_places"},
			strings.Fields(strings.ReplaceAll(stagingColumns, ",", " ")), pgx.CopyFromRows(w.pending)); err != nil {
			return fmt.Errorf("store places: %w", err)
		}
		cols := strings.Replace(stagingColumns, "lon, lat,", "", 1)
		if _, err := w.tx.Exec(ctx, `INSERT INTO settlements (geom, `+cols+`)
			SELECT ST_SetSRID(ST_MakePoint(lon, lat), 4326), `+cols+` FROM tiled_stage_places`); err != nil {
			return fmt.Errorf("store places: %w", err)
		}
		if _, err := w.tx.Exec(ctx, "TRUNCATE tiled_stage_places"); err != nil {
			return err
		}
		for id, approx := range w.inBuffer {
			w.stored[id] = approx
		}
		w.pending, w.inBuffer = nil, map[string]bool{}
	}
	if len(w.keys) > 0 {
		if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{"tiled_stage_keys"}, []string{"key", "place_id", "name"},
			pgx.CopyFromRows(w.keys)); err != nil {
			return fmt.Errorf("store keys: %w", err)
		}
		if _, err := w.tx.Exec(ctx, `INSERT INTO name_keys (key, place_id, name)
			SELECT DISTINCT ON (key, place_id) key, place_id, name FROM tiled_stage_keys
			ON CONFLICT (key, place_id) DO NOTHING`); err != nil {
			return fmt.Errorf("store keys: %w", err)
		}
		if _, err := w.tx.Exec(ctx, "TRUNCATE tiled_stage_keys"); err != nil {
			return err
		}
		w.keys = nil
	}
	return nil
}

// ApproximatePlaces returns the approximate places indexed under key in country, including those of this import,
// from the writer's in-memory index of them.
func (w *placeWriter) ApproximatePlaces(_ context.Context, key, country string) ([]gazetteer.Place, error) {
	var out []gazetteer.Place
	for _, id := range w.approxKeys[approxKey(key, country)] {
		if p, ok := w.approx[id]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}
