package gazetteer

import (
	"errors"

	"github.com/paulmach/orb"
)

// Errors returned by the gazetteer and its stores.
var (
	// ErrNotFound is returned when no place has the requested id.
	ErrNotFound = errors.New("gazetteer: place not found")
	// ErrInvalid wraps every validation failure of input data.
	ErrInvalid = errors.New("gazetteer: invalid input")
)

// Name kinds.
const (
	KindOfficial  = "official"
	KindAlternate = "alternate"
)

// Location methods: how a place's point was obtained.
const (
	// LocationSourced is a coordinate read from a public source (GeoNames, an encyclopaedia).
	LocationSourced = "sourced"
	// LocationCentroidOfNear is an approximate point placed from the places a report puts the place beside.
	LocationCentroidOfNear = "centroid-of-near"
	// LocationBearings is an approximate point at the centre of the region that reports' directions and distances
	// from located places allow ("1–6 km north-west of Grafovka").
	LocationBearings = "bearings-from-places"
)

// Name is one spelling of a place's name.
type Name struct {
	// Name is the spelling as written by its source.
	Name string `json:"name"`
	// Lang is a BCP 47 language tag ("ru", "uk", "en") or empty for a Latin variant of unknown standard.
	Lang string `json:"lang"`
	// Kind is KindOfficial or KindAlternate.
	Kind string `json:"kind"`
}

// Place is a settlement (or other named feature) of the gazetteer.
type Place struct {
	// ID is stable: the GeoNames id as a decimal string where known, else a readable slug.
	ID string `json:"id"`
	// Slug is a readable id (the seed data's), kept as an alias of ID; may be empty for GeoNames imports.
	Slug string `json:"slug,omitempty"`
	// GeonameID is the GeoNames id, 0 when unknown.
	GeonameID int64 `json:"geonameid,omitempty"`
	// Name is the primary name: the BGN/PCGN romanisation as GeoNames writes it.
	Name string `json:"name"`
	// Names holds the names in Russian and Ukrainian and the alternate spellings.
	Names []Name `json:"names,omitempty"`
	// Country is the ISO 3166-1 alpha-2 code.
	Country string `json:"country"`
	// Admin1 and Admin1Code are the first-order division (oblast) name and GeoNames code ("RU.09").
	Admin1     string `json:"admin1,omitempty"`
	Admin1Code string `json:"admin1_code,omitempty"`
	// Admin2 and Admin2Code are the second-order division (district, raion, okrug).
	Admin2     string `json:"admin2,omitempty"`
	Admin2Code string `json:"admin2_code,omitempty"`
	// Population and PopulationYear are 0 when unknown.
	Population     int64 `json:"population,omitempty"`
	PopulationYear int   `json:"population_year,omitempty"`
	// FeatureCode is a GeoNames feature code (PPL, PPLA, PPLA2, …).
	FeatureCode string `json:"feature_code,omitempty"`
	// PlaceType is a free-text description of the kind of place.
	PlaceType string `json:"place_type,omitempty"`
	// Point is the location, longitude first.
	Point orb.Point `json:"-"`
	// PrecisionKM is the radius in km within which the place lies.
	PrecisionKM float64 `json:"precision_km,omitempty"`
	// Approximate is true when the point was derived, not read from a source.
	Approximate bool `json:"approximate"`
	// LocationMethod is LocationSourced, LocationCentroidOfNear or LocationBearings.
	LocationMethod string `json:"location_method,omitempty"`
	// LocationSource says where the current point came from when an import replaced an approximate one.
	LocationSource string `json:"location_source,omitempty"`
	// LocationNote explains an approximate location.
	LocationNote string `json:"location_note,omitempty"`
	// Near lists the ids of the places an approximate location was derived from.
	Near []string `json:"near,omitempty"`
	// Codes maps code systems (OKTMO, OKATO, KATOTTH, postal, GeoNames) to values.
	Codes map[string]string `json:"codes,omitempty"`
	// Source names where the record came from.
	Source string `json:"source,omitempty"`
	// Confidence is the seed data's confidence column ("two-sources", "one-source", "relative").
	Confidence string `json:"confidence,omitempty"`
}

// NameIn returns the place's official name in lang, or "".
func (p Place) NameIn(lang string) string {
	for _, n := range p.Names {
		if n.Lang == lang && n.Kind == KindOfficial {
			return n.Name
		}
	}
	return ""
}

// AllNames returns the primary name followed by every other name, without duplicates.
func (p Place) AllNames() []string {
	seen := map[string]bool{p.Name: true}
	out := []string{p.Name}
	for _, n := range p.Names {
		if !seen[n.Name] && n.Name != "" {
			seen[n.Name] = true
			out = append(out, n.Name)
		}
	}
	return out
}

// MergeNames returns old followed by the names of add it lacks: the names of a place stored again, as an import
// that meets a known id keeps every spelling either side had.
func MergeNames(old, add []Name) []Name {
	has := make(map[Name]bool, len(old))
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
