package ogc

import (
	"context"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Collection is a feature collection the service publishes. Implementations must be safe for concurrent use.
type Collection interface {
	// Info returns the collection's fixed description. It is called on every request, so it must be cheap, and it
	// must return the same value for the life of the Service.
	Info() CollectionInfo
	// Extent returns the spatial and temporal extent of the collection's features as they are now.
	Extent(ctx context.Context) (Extent, error)
	// Items returns the features matching q (every filter set in it), in a stable order, after skipping
	// q.Offset of them and at most q.Limit, with the number of features matching q regardless of limit and offset.
	Items(ctx context.Context, q Query) (features []*geojson.Feature, matched int, err error)
	// Item returns the feature with id, or an error wrapping ErrNotFound. The service does not modify it.
	Item(ctx context.Context, id string) (*geojson.Feature, error)
}

// CollectionInfo is the fixed description of a Collection.
type CollectionInfo struct {
	// ID identifies the collection in URLs (/collections/{ID}): non-empty, unique in the Service, and made of
	// letters, digits, '-', '_' and '.'.
	ID string
	// Title is a human-readable title.
	Title string
	// Description says what the features are.
	Description string
	// TemporalProperty names the feature property, an RFC 3339 date-time or a plain date (a whole UTC day), that
	// the datetime parameter filters on. Empty when the features have no time: the collection's items then do not
	// accept datetime, and its OpenAPI definition does not list it.
	TemporalProperty string
	// TemporalDescription says what the time in TemporalProperty is ("the date the source made the claim"); the
	// OpenAPI definition of datetime for this collection quotes it.
	TemporalDescription string
	// Filters are the feature properties clients may filter on by equality with a query parameter of the same
	// name (OGC 17-069r4 §7.15.5, /rec/core/fc-filters), as in /collections/claims/items?holder=ua.
	Filters []Filter
}

// Filter is a feature property that the items of a collection can be filtered on: ?{Name}={value} selects the
// features whose property Name equals value.
type Filter struct {
	// Name is the property's name and the query parameter's. It may not be bbox, datetime, limit, offset or f.
	Name string
	// Description says what the property holds and which values it takes.
	Description string
	// Enum lists the values the property takes, when they are few and fixed; nil otherwise.
	Enum []string
}

// Extent is the spatial and temporal extent of a collection's features.
type Extent struct {
	// BBox bounds every feature's geometry, in CRS84; nil when the collection has no geometries.
	BBox *orb.Bound
	// Start is the earliest time of a feature; nil when not known or open.
	Start *time.Time
	// End is the latest time of a feature; nil when not known or open.
	End *time.Time
}
