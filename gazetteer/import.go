package gazetteer

import (
	"context"
	"fmt"
	"hash/maphash"
	"io"
	"math"

	"github.com/tiled-maps/tiled/admin"
	"github.com/tiled-maps/tiled/geo"
	"github.com/tiled-maps/tiled/names"
)

// ImportStats counts what an import did.
type ImportStats struct {
	// Read is the number of places read from the input.
	Read int `json:"read"`
	// Inserted and Updated split Read by whether the id was new.
	Inserted int `json:"inserted"`
	Updated  int `json:"updated"`
	// Located counts approximate places that received a sourced location from this import.
	Located int `json:"located"`
}

// Importer loads places into a Store, one transaction per import.
type Importer struct {
	// Store receives the places.
	Store Store
}

// GeoJSON imports a FeatureCollection read from r; file names it in errors. On any error nothing is kept.
func (im Importer) GeoJSON(ctx context.Context, r io.Reader, file string) (ImportStats, error) {
	var st ImportStats
	err := im.Store.ImportPlaces(ctx, func(w PlaceWriter) error {
		seen := newIDSet()
		return ReadGeoJSON(r, file, func(i int, p Place) error {
			if prev, dup := seen.add(p.ID, i); dup {
				return &InputError{File: file, Feature: i, Msg: fmt.Sprintf("duplicate id %q (first used by feature %d)", p.ID, prev)}
			}
			if err := im.put(ctx, w, p, &st); err != nil {
				return &InputError{File: file, Feature: i, Msg: err.Error()}
			}
			return nil
		})
	})
	return st, err
}

// GeoNamesInput names the files of a GeoNames import; only Main is required.
type GeoNamesInput struct {
	// Main is the 19-column dump (cities1000.txt, allCountries.txt, RU.txt, …).
	Main io.Reader
	// MainName names Main in errors and in each place's source.
	MainName string
	// Options carries the admin code names and alternate names read beforehand, and the feature classes.
	Options GeoNamesOptions
}

// GeoNames imports a GeoNames dump. On any error nothing is kept.
func (im Importer) GeoNames(ctx context.Context, in GeoNamesInput) (ImportStats, error) {
	var st ImportStats
	err := im.Store.ImportPlaces(ctx, func(w PlaceWriter) error {
		seen := newIDSet()
		return ReadGeoNames(in.Main, in.MainName, in.Options, func(line int, p Place) error {
			if prev, dup := seen.add(p.ID, line); dup {
				return &InputError{File: in.MainName, Line: line, Feature: -1, Msg: fmt.Sprintf("duplicate geonameid %s (first on line %d)", p.ID, prev)}
			}
			if err := im.put(ctx, w, p, &st); err != nil {
				return &InputError{File: in.MainName, Line: line, Feature: -1, Msg: err.Error()}
			}
			return nil
		})
	})
	return st, err
}

// idSet is the set of ids an import has seen, with the line (or feature) of each: a 64-bit hash of the id to a
// number, 12 bytes an id and never the ids themselves, so that a million-row import holds about 20 MB for it
// instead of every id string. Two ids whose hashes collide would be reported as duplicates; at a million ids the
// chance of that is about 3·10⁻⁸.
type idSet struct {
	seed maphash.Seed
	m    map[uint64]int32
}

func newIDSet() *idSet { return &idSet{seed: maphash.MakeSeed(), m: map[uint64]int32{}} }

// add records id at line n, or reports the line it was first seen at.
func (s *idSet) add(id string, n int) (int, bool) {
	h := maphash.String(s.seed, id)
	if prev, ok := s.m[h]; ok {
		return int(prev), true
	}
	s.m[h] = int32(min(n, math.MaxInt32))
	return 0, false
}

// put writes one place: a sourced place that matches a stored approximate place by name and district gives that
// place its location instead of becoming a second record.
func (im Importer) put(ctx context.Context, w PlaceWriter, p Place, st *ImportStats) error {
	st.Read++
	if err := ctx.Err(); err != nil {
		return err
	}
	if !p.Approximate {
		approx, err := matchApproximate(ctx, w, p)
		if err != nil {
			return err
		}
		if approx != nil {
			st.Located++
			st.Updated++
			_, err := w.Upsert(ctx, locate(*approx, p))
			return err
		}
	}
	inserted, err := w.Upsert(ctx, p)
	if inserted {
		st.Inserted++
	} else if err == nil {
		st.Updated++
	}
	return err
}

// matchApproximate finds the stored approximate place p is the sourced version of: same name key, same country and
// oblast, and the same district where both name one, else p lies within the approximate place's precision radius.
func matchApproximate(ctx context.Context, w PlaceWriter, p Place) (*Place, error) {
	cands, err := w.ApproximatePlaces(ctx, names.Key(p.Name), p.Country)
	if err != nil || len(cands) == 0 {
		return nil, err
	}
	var found []Place
	for _, a := range cands {
		if a.ID == p.ID {
			return nil, nil // the same record imported again
		}
		if a.Admin1Code != "" && p.Admin1Code != "" && a.Admin1Code != p.Admin1Code {
			continue
		}
		if a.Admin1Code == "" || p.Admin1Code == "" {
			if !SameAdmin(a.Admin1, p.Admin1) {
				continue
			}
		}
		if a.Admin2 != "" && p.Admin2 != "" {
			if !SameAdmin(a.Admin2, p.Admin2) {
				continue
			}
		} else if geo.DistanceKM(a.Point, p.Point) > a.PrecisionKM {
			continue
		}
		found = append(found, a)
	}
	if len(found) != 1 {
		return nil, nil // none, or several: do not guess
	}
	return &found[0], nil
}

// locate gives approximate place a the sourced location of p, keeping a's id and attributes.
func locate(a, p Place) Place {
	a.Point = p.Point
	a.Approximate = false
	a.LocationMethod = LocationSourced
	a.PrecisionKM = p.PrecisionKM
	if a.PrecisionKM == 0 {
		a.PrecisionKM = 1
	}
	a.LocationSource = p.Source
	if a.GeonameID == 0 {
		a.GeonameID = p.GeonameID
	}
	if a.Population == 0 {
		a.Population = p.Population
	}
	a.Names = append(a.Names, p.Names...)
	return a
}

// SameAdmin reports whether two admin unit names denote the same unit across scripts and forms ("Belgorod Oblast",
// "Белгородская область", "Belgorodskaya Oblast'"). Empty names never match.
func SameAdmin(a, b string) bool {
	return admin.Default().Same(a, b)
}
