package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/geo"
)

// Attribution is the FeatureCollection's attribution member.
const Attribution = "Contains data from GeoNames (geonames.org), CC BY 4.0, and from the sources named per feature " +
	"in its source property."

// Location methods.
const (
	methodSourced  = "sourced"
	methodCentroid = "centroid-of-near"
)

// Placement constants; data/README.md states them.
const (
	coordDecimals        = 6   // decimals kept in coordinates
	precisionStepKM      = 0.5 // computed precisions are rounded up to this step
	minSingleNeighbourKM = 5.0 // floor for a place positioned from a single neighbour
)

// defaultPrecisionKM is the precision_km of a row with coordinates and a blank precision_km, by confidence.
var defaultPrecisionKM = map[string]float64{
	"two-sources": 1, // two independent sources agree within 1 km
	"one-source":  2, // a village-centroid coordinate from one public source; covers a village's extent
}

// columns are the CSV columns seedgen reads, as named in the header.
var columns = []string{"id", "name_en", "name_ru", "name_uk", "alt_names", "country", "admin1", "admin2", "lat", "lon",
	"precision_km", "near", "location_note", "population", "population_year", "place_type", "codes", "source",
	"confidence"}

// relationsColumn is the optional column of directions from located places (`ID:BEARING:MIN-MAX`, `;`-separated).
const relationsColumn = "relations"

// row is one record of border-settlements.csv, fields trimmed of surrounding spaces.
type row struct {
	file string
	line int
	f    map[string]string
}

func (r row) get(col string) string { return r.f[col] }

// errorf returns an error naming the row's file, line and id.
func (r row) errorf(format string, a ...any) error {
	prefix := fmt.Sprintf("%s:%d", r.file, r.line)
	if id := r.get("id"); id != "" {
		prefix += " (" + id + ")"
	}
	return fmt.Errorf("%s: %s", prefix, fmt.Sprintf(format, a...))
}

// parseRows reads the settlements CSV. name is used in error messages.
func parseRows(r io.Reader, name string) ([]row, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: reading header: %w", name, err)
	}
	index := map[string]int{}
	for i, h := range header {
		index[strings.TrimSpace(h)] = i
	}
	for _, c := range columns {
		if _, ok := index[c]; !ok {
			return nil, fmt.Errorf("%s:1: header has no %q column", name, c)
		}
	}
	var rows []row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		f := make(map[string]string, len(columns))
		for _, c := range columns {
			f[c] = strings.TrimSpace(rec[index[c]])
		}
		if i, ok := index[relationsColumn]; ok {
			f[relationsColumn] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, row{file: name, line: line, f: f})
	}
	return rows, nil
}

// admin1Entry is one row of GeoNames' admin1CodesASCII.txt.
type admin1Entry struct {
	code, name, ascii string
}

// parseAdmin1 reads GeoNames admin1CodesASCII rows (code, name, asciiname, geonameid, tab-separated).
func parseAdmin1(r io.Reader, name string) ([]admin1Entry, error) {
	var out []admin1Entry
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 || !strings.Contains(f[0], ".") {
			return nil, fmt.Errorf("%s:%d: want code, name, asciiname, geonameid separated by tabs, got %q", name, n, line)
		}
		out = append(out, admin1Entry{code: f[0], name: f[1], ascii: f[2]})
	}
	return out, sc.Err()
}

// firstWord returns s's first word, lower-cased, without apostrophes (GeoNames writes "Tver’ Oblast").
func firstWord(s string) string {
	w, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	return strings.ToLower(strings.TrimRight(w, "’'ʼ"))
}

// matchAdmin1 returns the GeoNames admin1 code of the oblast named name in country. An exact (case-insensitive) name
// match wins; otherwise the first words must match ("Kursk Oblast" → "Kursk"), and exactly one entry may match.
func matchAdmin1(entries []admin1Entry, country, name string) (string, error) {
	var exact, byWord []string
	for _, e := range entries {
		if !strings.HasPrefix(e.code, country+".") {
			continue
		}
		if strings.EqualFold(e.name, name) || strings.EqualFold(e.ascii, name) {
			exact = append(exact, e.code)
		}
		if w := firstWord(name); w != "" && (firstWord(e.name) == w || firstWord(e.ascii) == w) {
			byWord = append(byWord, e.code)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0], nil
	case len(exact) > 1:
		return "", fmt.Errorf("admin1 %q matches several GeoNames %s codes: %s", name, country, strings.Join(exact, ", "))
	case len(byWord) == 1:
		return byWord[0], nil
	case len(byWord) > 1:
		return "", fmt.Errorf("admin1 %q matches several GeoNames %s codes by its first word: %s", name, country,
			strings.Join(byWord, ", "))
	}
	return "", fmt.Errorf("admin1 %q matches no GeoNames %s admin1 code", name, country)
}

// Code is one entry of the codes column: a code system and its value.
type Code struct {
	System, Value string
}

// Codes is the codes column parsed, in the order written. It marshals as a JSON object with keys in that order.
type Codes []Code

// MarshalJSON writes c as a JSON object, keys in order.
func (c Codes) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range c {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshalNoEscape(kv.System)
		if err != nil {
			return nil, err
		}
		v, err := marshalNoEscape(kv.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Get returns the value of system, and whether it is present.
func (c Codes) Get(system string) (string, bool) {
	for _, kv := range c {
		if kv.System == system {
			return kv.Value, true
		}
	}
	return "", false
}

// parseCodes parses "OKTMO:14643430106;postal:309432;GeoNames:578072": entries separated by ';', each split at its
// first ':' into system and value. Keys are kept as written ("selsoviet OKTMO" is a key); a key may appear once.
func parseCodes(s string) (Codes, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out Codes
	for part := range strings.SplitSeq(s, ";") {
		k, v, ok := strings.Cut(part, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("codes entry %q is not system:value", strings.TrimSpace(part))
		}
		if _, dup := out.Get(k); dup {
			return nil, fmt.Errorf("codes has %q twice", k)
		}
		out = append(out, Code{k, v})
	}
	return out, nil
}

// featureID returns the feature's id: the GeoNames id when codes has one, else the slug; geonameid is 0 when unknown.
func featureID(slug string, codes Codes) (id string, geonameid int64, err error) {
	v, ok := codes.Get("GeoNames")
	if !ok {
		return slug, 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return "", 0, fmt.Errorf("GeoNames code %q is not a positive integer", v)
	}
	return strconv.FormatInt(n, 10), n, nil
}

// featureCode maps the CSV place_type to a GeoNames feature code (case-insensitive substring tests, first match):
// "oblast centre" → PPLA; "district centre" not "former" → PPLA2; "monastery" → MSTY; anything else → PPL.
func featureCode(placeType string) string {
	p := strings.ToLower(placeType)
	switch {
	case strings.Contains(p, "oblast centre"):
		return "PPLA"
	case strings.Contains(p, "district centre") && !strings.Contains(p, "former"):
		return "PPLA2"
	case strings.Contains(p, "monastery"):
		return "MSTY"
	}
	return "PPL"
}

// nameLang guesses an alternate name's language from its script: Cyrillic with і, ї, є or ґ is "uk", other Cyrillic
// is "ru", anything else "" (Latin variants carry no language).
func nameLang(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
		return ""
	}
	if strings.ContainsAny(strings.ToLower(s), "іїєґ") {
		return "uk"
	}
	return "ru"
}

// Name is one entry of a feature's names.
type Name struct {
	Name string `json:"name"`
	Lang string `json:"lang"`
	Kind string `json:"kind"`
}

// names lists the Russian and Ukrainian names (official, when given) and the alternates, in CSV order.
func names(r row) []Name {
	var out []Name
	if n := r.get("name_ru"); n != "" {
		out = append(out, Name{n, "ru", "official"})
	}
	if n := r.get("name_uk"); n != "" {
		out = append(out, Name{n, "uk", "official"})
	}
	for a := range strings.SplitSeq(r.get("alt_names"), "|") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, Name{a, nameLang(a), "alternate"})
		}
	}
	return out
}

// FeatureCollection is the RFC 7946 output.
type FeatureCollection struct {
	Type        string    `json:"type"`
	Attribution string    `json:"attribution"`
	Features    []Feature `json:"features"`
}

// Feature is one place.
type Feature struct {
	Type       string     `json:"type"`
	ID         string     `json:"id"`
	Geometry   Point      `json:"geometry"`
	Properties Properties `json:"properties"`
}

// Point is a GeoJSON Point geometry, [lon, lat].
type Point struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

// Properties are a feature's properties, in the order and with the names the importer reads.
type Properties struct {
	ID             string   `json:"id"`
	Slug           string   `json:"slug"`
	GeonameID      int64    `json:"geonameid,omitempty"`
	Name           string   `json:"name"`
	Names          []Name   `json:"names"`
	Country        string   `json:"country"`
	Admin1         string   `json:"admin1"`
	Admin1Code     string   `json:"admin1_code"`
	Admin2         string   `json:"admin2,omitempty"`
	Population     *int64   `json:"population,omitempty"`
	PopulationYear *int64   `json:"population_year,omitempty"`
	FeatureCode    string   `json:"feature_code"`
	PlaceType      string   `json:"place_type"`
	Approximate    bool     `json:"approximate"`
	PrecisionKM    float64  `json:"precision_km"`
	LocationMethod string   `json:"location_method"`
	Near           []string `json:"near,omitempty"`
	Relations      []string `json:"relations,omitempty"`
	LocationNote   string   `json:"location_note,omitempty"`
	Codes          Codes    `json:"codes,omitempty"`
	Source         string   `json:"source"`
	Confidence     string   `json:"confidence"`
}

// optInt parses an optional integer column: nil when blank.
func optInt(r row, col string) (*int64, error) {
	s := r.get(col)
	if s == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, r.errorf("%s %q is not an integer", col, s)
	}
	return &n, nil
}

// optFloat parses an optional number column; ok is false when blank.
func optFloat(r row, col string) (v float64, ok bool, err error) {
	s := r.get(col)
	if s == "" {
		return 0, false, nil
	}
	v, err = strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, r.errorf("%s %q is not a number", col, s)
	}
	return v, true, nil
}

// build validates rows and turns them into features, in row order, placing rows without coordinates at the
// centroid of their near places.
func build(rows []row, admin1 []admin1Entry) (*FeatureCollection, error) {
	fc := &FeatureCollection{Type: "FeatureCollection", Attribution: Attribution, Features: make([]Feature, len(rows))}
	bySlug := map[string]int{}
	byID := map[string]int{}
	admin1Codes := map[[2]string]string{}
	for i, r := range rows {
		slug := r.get("id")
		if slug == "" {
			return nil, r.errorf("id is blank")
		}
		if j, dup := bySlug[slug]; dup {
			return nil, r.errorf("id %q already used on line %d", slug, rows[j].line)
		}
		bySlug[slug] = i
		for _, c := range []string{"name_en", "country", "admin1"} {
			if r.get(c) == "" {
				return nil, r.errorf("%s is blank", c)
			}
		}
		codes, err := parseCodes(r.get("codes"))
		if err != nil {
			return nil, r.errorf("%v", err)
		}
		id, geonameid, err := featureID(slug, codes)
		if err != nil {
			return nil, r.errorf("%v", err)
		}
		if j, dup := byID[id]; dup {
			return nil, r.errorf("feature id %q already used on line %d", id, rows[j].line)
		}
		byID[id] = i
		key := [2]string{r.get("country"), r.get("admin1")}
		code, ok := admin1Codes[key]
		if !ok {
			if code, err = matchAdmin1(admin1, key[0], key[1]); err != nil {
				return nil, r.errorf("%v", err)
			}
			admin1Codes[key] = code
		}
		pop, err := optInt(r, "population")
		if err != nil {
			return nil, err
		}
		popYear, err := optInt(r, "population_year")
		if err != nil {
			return nil, err
		}
		fc.Features[i] = Feature{
			Type:     "Feature",
			ID:       id,
			Geometry: Point{Type: "Point"},
			Properties: Properties{
				ID:             id,
				Slug:           slug,
				GeonameID:      geonameid,
				Name:           r.get("name_en"),
				Names:          names(r),
				Country:        r.get("country"),
				Admin1:         r.get("admin1"),
				Admin1Code:     code,
				Admin2:         r.get("admin2"),
				Population:     pop,
				PopulationYear: popYear,
				FeatureCode:    featureCode(r.get("place_type")),
				PlaceType:      r.get("place_type"),
				LocationNote:   r.get("location_note"),
				Codes:          codes,
				Source:         r.get("source"),
				Confidence:     r.get("confidence"),
			},
		}
	}

	// Resolve near slugs to row indexes, then place every row; rows without coordinates after their near places.
	near := make([][]int, len(rows))
	for i, r := range rows {
		for s := range strings.SplitSeq(r.get("near"), "|") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			j, ok := bySlug[s]
			if !ok {
				return nil, r.errorf("near names unknown id %q", s)
			}
			near[i] = append(near[i], j)
			fc.Features[i].Properties.Near = append(fc.Features[i].Properties.Near, fc.Features[j].ID)
		}
	}
	rels := make([][]relation, len(rows))
	for i, r := range rows {
		rs, err := parseRelations(r.get(relationsColumn))
		if err != nil {
			return nil, r.errorf("%v", err)
		}
		for _, rel := range rs {
			if _, ok := bySlug[rel.Ref]; !ok {
				return nil, r.errorf("relations name unknown id %q", rel.Ref)
			}
		}
		rels[i] = rs
		for _, rel := range rs {
			fc.Features[i].Properties.Relations = append(fc.Features[i].Properties.Relations,
				fmt.Sprintf("%s:%s:%g-%g", rel.Ref, rel.Bearing, rel.MinKM, rel.MaxKM))
		}
	}
	const (
		unplaced = iota
		placing
		placed
	)
	state := make([]int, len(rows))
	var place func(i int, path []string) error
	place = func(i int, path []string) error {
		r, p := rows[i], &fc.Features[i].Properties
		switch state[i] {
		case placed:
			return nil
		case placing:
			return r.errorf("near or relations references form a cycle: %s", strings.Join(append(path, r.get("id")), " → "))
		}
		state[i] = placing
		lat, hasLat, err := optFloat(r, "lat")
		if err != nil {
			return err
		}
		lon, hasLon, err := optFloat(r, "lon")
		if err != nil {
			return err
		}
		prec, hasPrec, err := optFloat(r, "precision_km")
		if err != nil {
			return err
		}
		switch {
		case hasLat != hasLon:
			return r.errorf("lat and lon must both be given or both be blank")
		case hasLat:
			if !geo.ValidLonLat(lon, lat) {
				return r.errorf("lat %v, lon %v out of range (lat in [-90,90], lon in [-180,180])", lat, lon)
			}
			if !hasPrec {
				if prec, hasPrec = defaultPrecisionKM[p.Confidence]; !hasPrec {
					return r.errorf("precision_km is blank and confidence %q has no default precision", p.Confidence)
				}
			}
			if prec <= 0 {
				return r.errorf("precision_km %v is not positive", prec)
			}
			fc.Features[i].Geometry.Coordinates = [2]float64{geo.Round(lon, coordDecimals), geo.Round(lat, coordDecimals)}
			p.PrecisionKM, p.LocationMethod = prec, methodSourced
		default:
			if hasPrec {
				return r.errorf("precision_km is given but lat and lon are blank")
			}
			next := append(slices.Clip(path), r.get("id"))
			if len(rels[i]) > 0 {
				var anchored []anchoredRelation
				for _, rel := range rels[i] {
					j := bySlug[rel.Ref]
					if err := place(j, next); err != nil {
						return err
					}
					f := fc.Features[j]
					anchored = append(anchored, anchoredRelation{rel, orb.Point(f.Geometry.Coordinates), f.Properties.PrecisionKM})
				}
				c, prec, ok := placeByRelations(anchored)
				if !ok {
					return r.errorf("relations %q allow no position: their sectors do not overlap", r.get(relationsColumn))
				}
				fc.Features[i].Geometry.Coordinates = [2]float64(c)
				p.PrecisionKM, p.LocationMethod, p.Approximate = prec, methodBearings, true
				break
			}
			if len(near[i]) == 0 {
				return r.errorf("lat and lon are blank and neither relations nor near name a place to position it by")
			}
			var nbs []placedPoint
			for _, j := range near[i] {
				if err := place(j, next); err != nil {
					return err
				}
				nbs = append(nbs, placedPoint{orb.Point(fc.Features[j].Geometry.Coordinates), fc.Features[j].Properties.PrecisionKM})
			}
			c, prec := centroidOfNear(nbs)
			fc.Features[i].Geometry.Coordinates = [2]float64(c)
			p.PrecisionKM, p.LocationMethod, p.Approximate = prec, methodCentroid, true
		}
		state[i] = placed
		return nil
	}
	for i := range rows {
		if err := place(i, nil); err != nil {
			return nil, err
		}
	}
	return fc, nil
}

// placedPoint is a position with its precision.
type placedPoint struct {
	pt          orb.Point
	precisionKM float64
}

// centroidOfNear positions a place known only to be near nbs: at the arithmetic mean of their longitudes and
// latitudes (rounded to 6 decimals), with precision the largest great-circle distance from there to a neighbour plus
// that neighbour's precision, rounded up to 0.5 km, and at least 5 km when there is a single neighbour.
func centroidOfNear(nbs []placedPoint) (orb.Point, float64) {
	var c orb.Point
	for _, n := range nbs {
		c[0] += n.pt[0] / float64(len(nbs))
		c[1] += n.pt[1] / float64(len(nbs))
	}
	c = orb.Point{geo.Round(c[0], coordDecimals), geo.Round(c[1], coordDecimals)}
	prec := 0.0
	for _, n := range nbs {
		prec = max(prec, geo.DistanceKM(c, n.pt)+n.precisionKM)
	}
	// Round up to the step; the epsilon keeps float noise (4.5000000001) from adding a step.
	prec = math.Ceil(prec/precisionStepKM-1e-9) * precisionStepKM
	if len(nbs) == 1 {
		prec = max(prec, minSingleNeighbourKM)
	}
	return c, prec
}

// encode writes fc as 2-space indented JSON, HTML characters unescaped, with a final newline.
func encode(fc *FeatureCollection) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(fc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// marshalNoEscape marshals v without escaping <, > and &.
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
