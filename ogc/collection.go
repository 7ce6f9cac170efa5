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
	// Items returns the features matching q (every filter set in it), in a stable order: those after the feature
	// whose id is q.After (keyset paging: the whole order need not be walked again; "" starts at the beginning),
	// after skipping q.Offset of them, and at most q.Limit+1 of them — one more than the page tells the service that
	// another page follows. matched is the number of features matching q regardless of After, Offset and Limit, or
	// -1 when counting them would cost more than the page itself (the response then leaves numberMatched out).
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
	// name (OGC 17-069r4 §7.15.5, /rec/core/fc-filters), as in /collections/claims/items?holder=ua. They are the
	// collection's queryables (OGC API – Features – Part 3).
	Filters []Filter
	// Parameters are further query parameters of the items operation (Query.Params), such as a date the features
	// are shown as of. The API definition documents them.
	Parameters []Parameter
	// Properties describe the feature properties with their types: the collection's schema (OGC API – Features –
	// Part 5) and the JSON Schema of its features that GDAL reads field types from, so that a number is a number
	// whether or not the first page has a fractional one.
	Properties []Property
}

// Parameter is a query parameter of a collection's items operation beyond those of Part 1 and the filters.
type Parameter struct {
	// Name is the parameter's name. It may not be that of an items parameter or a filter.
	Name string
	// Description says what the parameter does.
	Description string
	// Format is "date" for a YYYY-MM-DD date, which the service checks; "" for any text.
	Format string
}

// Property is a feature property of a collection's schema.
type Property struct {
	// Name is the property's name in the features' properties.
	Name string
	// Type is the JSON Schema type: "string", "number", "integer" or "boolean".
	Type string
	// Format refines a string: "date", "date-time" or "uri"; "" for none.
	Format string
	// Title and Description say what the property holds.
	Title, Description string
	// Enum lists the values the property takes, when they are few and fixed.
	Enum []string
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
