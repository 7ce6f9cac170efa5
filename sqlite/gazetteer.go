package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/geo"
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
