package gazetteer

import (
	"context"

	"github.com/paulmach/orb"
)

// Store persists places. Implementations must make ImportPlaces atomic: when fn returns an error, the store is
// left exactly as it was.
type Store interface {
	// ImportPlaces runs fn inside one write transaction.
	ImportPlaces(ctx context.Context, fn func(w PlaceWriter) error) error
	// Place returns the place with id (or slug), or ErrNotFound.
	Place(ctx context.Context, id string) (Place, error)
	// PlacesByKeys returns the places that have a name indexed under any of keys.
	PlacesByKeys(ctx context.Context, keys []string) ([]KeyMatch, error)
	// PlacesWithin returns up to limit places whose point lies in b (limit <= 0: no limit).
	PlacesWithin(ctx context.Context, b orb.Bound, limit int) ([]Place, error)
	// CountPlaces returns how many places the store holds.
	CountPlaces(ctx context.Context) (int, error)
}

// PlaceWriter writes places inside an import transaction.
type PlaceWriter interface {
	// Upsert inserts p or, when a place with p.ID exists, updates it: non-empty fields of p replace stored ones,
	// names are merged, and the point is replaced. It reports whether p was new.
	Upsert(ctx context.Context, p Place) (inserted bool, err error)
	// ApproximatePlaces returns the stored approximate places indexed under key in country.
	ApproximatePlaces(ctx context.Context, key, country string) ([]Place, error)
}

// KeyMatch is a place found under a name key.
type KeyMatch struct {
	// Place is the place found.
	Place Place
	// Key is the match key it was found under.
	Key string
	// Name is the place's name that produced the key.
	Name string
}
