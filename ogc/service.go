package ogc

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb/geojson"
)

// Media types of the documents the service returns.
const (
	// MediaTypeJSON is the media type of the landing page, conformance declaration and collection documents.
	MediaTypeJSON = "application/json"
	// MediaTypeGeoJSON is the media type of features and feature collections.
	MediaTypeGeoJSON = "application/geo+json"
	// MediaTypeOpenAPI is the media type of the OpenAPI 3.0 definition, as the OpenAPI 3.0 conformance class and
	// GDAL's OAPIF driver expect it.
	MediaTypeOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
)

// Conformance classes of OGC API – Features – Part 1: Core that the service implements.
const (
	// ConfCore is the Core conformance class.
	ConfCore = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
	// ConfGeoJSON is the GeoJSON conformance class.
	ConfGeoJSON = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
	// ConfOAS30 is the OpenAPI Specification 3.0 conformance class.
	ConfOAS30 = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"
	// ConfQueryables is the Queryables conformance class of OGC API – Features – Part 3 (/collections/{id}/queryables).
	ConfQueryables = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables"
	// ConfQueryablesParams is Part 3's class of queryables used as query parameters, as the filters are.
	ConfQueryablesParams = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters"
	// ConfSchemas is the Schemas conformance class of OGC API – Features – Part 5 (/collections/{id}/schema).
	ConfSchemas = "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/schemas"
)

// Link relations and media types of the schema documents.
const (
	// RelSchema links a collection to its schema (Part 5).
	RelSchema = "http://www.opengis.net/def/rel/ogc/1.0/schema"
	// RelQueryables links a collection to its queryables (Part 3).
	RelQueryables = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
	// RelDescribedBy links a collection to the JSON Schema of its GeoJSON features; GDAL's OAPIF driver reads the
	// field types from it (it matches the relation "describedBy" exactly).
	RelDescribedBy = "describedBy"
	// MediaTypeJSONSchema is the media type of the schemas.
	MediaTypeJSONSchema = "application/schema+json"
)

// Reference systems of the service.
const (
	// CRS84 is WGS 84 longitude/latitude, the only coordinate reference system the service offers and stores in.
	CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	// TRSGregorian is the Gregorian calendar, the temporal reference system of temporal extents.
	TRSGregorian = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
)

// Page sizes used when the Service leaves them zero.
const (
	// DefaultLimit is the page size of an items request without limit, advertised in the API definition. Pages are
	// cheap (keyset paging), and a client reading a whole collection makes a hundredth of the requests it would
	// with pages of 10.
	DefaultLimit = 1000
	// DefaultMaxLimit is the largest limit an items request may give.
	DefaultMaxLimit = 10000
)

// ErrInvalidService is returned by Service.Validate for a service that cannot be served as configured.
var ErrInvalidService = errors.New("ogc: invalid service")

// Service is an OGC API – Features service over a list of collections. Its methods are the API's operations; they
// do not modify the Service, so it may serve concurrent requests. Call Validate once before serving.
type Service struct {
	// Title and Description describe the service on its landing page and in its OpenAPI definition.
	Title, Description string
	// Published lists the collections the service publishes, in the order /collections lists them.
	Published []Collection
	// MaxLimit is the largest page an items request gets; 0 means DefaultMaxLimit. The OpenAPI definition
	// advertises it as the maximum of limit. A larger limit is served as MaxLimit, not rejected, as OGC 17-069r4
	// Requirement 22 C (/req/core/fc-limit-response-1) says; a limit below 1 is a 400.
	MaxLimit int
	// DefaultLimit is the page size of an items request without limit; 0 means DefaultLimit.
	DefaultLimit int
	// Now returns the time stamped on feature collections (timeStamp); nil means time.Now.
	Now func() time.Time
}

// Document is what an operation returns: Body, to be encoded as JSON, and the media type to send it as.
type Document struct {
	// Body is a value encoding/json encodes into the response body.
	Body any
	// MediaType is the Content-Type of the response: MediaTypeJSON, MediaTypeGeoJSON or MediaTypeOpenAPI.
	MediaType string
}

// Link is a link in a document, as OGC 17-069r4 §7.2 and RFC 8288 describe it.
type Link struct {
	// Href is the absolute URL linked to.
	Href string `json:"href"`
	// Rel is the relation: self, alternate, service-desc, conformance, data, items, collection, next, prev.
	Rel string `json:"rel"`
	// Type is the media type of the linked document.
	Type string `json:"type,omitempty"`
	// Title is a human-readable label.
	Title string `json:"title,omitempty"`
}

// LandingPage is the body of the landing page.
type LandingPage struct {
	// Title is the service's title.
	Title string `json:"title,omitempty"`
	// Description is the service's description.
	Description string `json:"description,omitempty"`
	// Links are self, service-desc, conformance and data.
	Links []Link `json:"links"`
}

// ConformanceDeclaration is the body of /conformance.
type ConformanceDeclaration struct {
	// ConformsTo lists the conformance classes implemented: ConfCore, ConfGeoJSON, ConfOAS30.
	ConformsTo []string `json:"conformsTo"`
	// Links holds the self link.
	Links []Link `json:"links"`
}

// CollectionsDocument is the body of /collections.
type CollectionsDocument struct {
	// Links holds the self link.
	Links []Link `json:"links"`
	// Collections describes each published collection.
	Collections []CollectionDocument `json:"collections"`
}

// CollectionDocument describes one collection: the body of /collections/{id} and an element of /collections.
type CollectionDocument struct {
	// ID is the collection's identifier.
	ID string `json:"id"`
	// Title is the collection's title.
	Title string `json:"title,omitempty"`
	// Description is the collection's description.
	Description string `json:"description,omitempty"`
	// Links are self and items.
	Links []Link `json:"links"`
	// Extent is the collection's spatial and temporal extent.
	Extent *ExtentDocument `json:"extent,omitempty"`
	// ItemType is always "feature".
	ItemType string `json:"itemType"`
	// CRS lists the coordinate reference systems features can be had in: CRS84.
	CRS []string `json:"crs"`
	// StorageCRS is the coordinate reference system features are stored in: CRS84.
	StorageCRS string `json:"storageCrs"`
}

// ExtentDocument is the extent of a collection as its description encodes it.
type ExtentDocument struct {
	// Spatial is the bounding box of the features; nil when the collection has no geometries.
	Spatial *SpatialExtent `json:"spatial,omitempty"`
	// Temporal is the time interval of the features; nil when the collection has no temporal property.
	Temporal *TemporalExtent `json:"temporal,omitempty"`
}

// SpatialExtent is a spatial extent: one bounding box, minLon, minLat, maxLon, maxLat.
type SpatialExtent struct {
	// BBox holds one bounding box of four numbers.
	BBox [][]float64 `json:"bbox"`
	// CRS is CRS84.
	CRS string `json:"crs"`
}

// TemporalExtent is a temporal extent: one interval, [start, end], RFC 3339 in UTC, nil for open or unknown.
type TemporalExtent struct {
	// Interval holds one [start, end] pair.
	Interval [][]*string `json:"interval"`
	// TRS is TRSGregorian.
	TRS string `json:"trs"`
}

// FeatureCollection is the body of /collections/{id}/items: one page of the matching features.
type FeatureCollection struct {
	// Type is always "FeatureCollection".
	Type string `json:"type"`
	// Features are the features on this page; never nil.
	Features []*geojson.Feature `json:"features"`
	// Links are self, collection, and next and prev where there are such pages.
	Links []Link `json:"links"`
	// TimeStamp is when the response was made, RFC 3339 in UTC.
	TimeStamp string `json:"timeStamp"`
	// NumberMatched is the number of features matching the request's filters; nil (left out) on a page where
	// counting them would cost more than the page (Collection.Items).
	NumberMatched *int `json:"numberMatched,omitempty"`
	// NumberReturned is the number of features on this page.
	NumberReturned int `json:"numberReturned"`
}

// Validate checks that the service can be served: page sizes with 1 <= DefaultLimit <= MaxLimit, and collections
// with valid, unique identifiers and property filters whose names are valid, unique and not those of the items
// parameters. Errors wrap ErrInvalidService.
func (s *Service) Validate() error {
	def, maxLimit := s.limits()
	if def < 1 || maxLimit < 1 || def > maxLimit {
		return fmt.Errorf("%w: page sizes: want 1 <= DefaultLimit (%d) <= MaxLimit (%d)", ErrInvalidService, def, maxLimit)
	}
	seen := make(map[string]bool)
	for i, c := range s.Published {
		if c == nil {
			return fmt.Errorf("%w: collection %d is nil", ErrInvalidService, i)
		}
		info := c.Info()
		if !validName(info.ID) {
			return fmt.Errorf("%w: collection %d: id %q: want letters, digits, '-', '_' and '.'", ErrInvalidService, i, info.ID)
		}
		if seen[info.ID] {
			return fmt.Errorf("%w: collection id %q is used twice", ErrInvalidService, info.ID)
		}
		seen[info.ID] = true
		filters := make(map[string]bool)
		for _, f := range info.Filters {
			switch {
			case !validName(f.Name):
				return fmt.Errorf("%w: collection %q: filter %q: want letters, digits, '-', '_' and '.'",
					ErrInvalidService, info.ID, f.Name)
			case reservedParam(f.Name):
				return fmt.Errorf("%w: collection %q: filter %q is the name of an items parameter",
					ErrInvalidService, info.ID, f.Name)
			case filters[f.Name]:
				return fmt.Errorf("%w: collection %q: filter %q is given twice", ErrInvalidService, info.ID, f.Name)
			}
			filters[f.Name] = true
		}
		for _, p := range info.Parameters {
			if !validName(p.Name) || reservedParam(p.Name) || filters[p.Name] {
				return fmt.Errorf("%w: collection %q: parameter %q is invalid, an items parameter or given twice",
					ErrInvalidService, info.ID, p.Name)
			}
			filters[p.Name] = true
		}
	}
	return nil
}

// validName reports whether s is a non-empty identifier of letters, digits, '-', '_' and '.', safe in a URL path
// and query without escaping.
func validName(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return false
		}
	}
	return true
}

// limits returns the default and maximum page sizes.
func (s *Service) limits() (def, maxLimit int) {
	def, maxLimit = s.DefaultLimit, s.MaxLimit
	if def == 0 {
		def = DefaultLimit
	}
	if maxLimit == 0 {
		maxLimit = DefaultMaxLimit
	}
	return def, maxLimit
}

// now returns the current time from s.Now or the clock.
func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// find returns the published collection with id and its description, or an error wrapping ErrNotFound.
func (s *Service) find(id string) (Collection, CollectionInfo, error) {
	for _, c := range s.Published {
		if info := c.Info(); info.ID == id {
			return c, info, nil
		}
	}
	return nil, CollectionInfo{}, fmt.Errorf("%w: no collection %q", ErrNotFound, id)
}

// urls builds the absolute URLs of the service's resources from its base URL.
type urls string

// newURLs returns the URL builder for base, the URL of the landing page.
func newURLs(base string) urls { return urls(strings.TrimRight(base, "/")) }

func (u urls) landing() string     { return string(u) }
func (u urls) conformance() string { return string(u) + "/conformance" }
func (u urls) api() string         { return string(u) + "/api" }
func (u urls) collections() string { return string(u) + "/collections" }
func (u urls) collection(id string) string {
	return string(u) + "/collections/" + url.PathEscape(id)
}
func (u urls) items(id string, query url.Values) string {
	s := u.collection(id) + "/items"
	if len(query) > 0 {
		s += "?" + query.Encode()
	}
	return s
}
func (u urls) item(id, fid string) string { return u.collection(id) + "/items/" + url.PathEscape(fid) }

// Landing returns the landing page: the service's title and description with links to itself, the API definition
// (service-desc), the conformance declaration and the collections (data). It accepts the query parameter f=json.
func (s *Service) Landing(base string, params url.Values) (Document, error) {
	if err := checkParams(params, "json"); err != nil {
		return Document{}, err
	}
	u := newURLs(base)
	return Document{MediaType: MediaTypeJSON, Body: LandingPage{
		Title:       s.Title,
		Description: s.Description,
		Links: []Link{
			{Href: u.landing(), Rel: "self", Type: MediaTypeJSON, Title: "This document"},
			{Href: u.api(), Rel: "service-desc", Type: MediaTypeOpenAPI, Title: "The API definition (OpenAPI 3.0)"},
			{Href: u.conformance(), Rel: "conformance", Type: MediaTypeJSON, Title: "Conformance classes implemented"},
			{Href: u.collections(), Rel: "data", Type: MediaTypeJSON, Title: "Feature collections"},
		},
	}}, nil
}

// Conformance returns the conformance declaration: Core, GeoJSON and OpenAPI 3.0. It accepts the query parameter
// f=json.
func (s *Service) Conformance(base string, params url.Values) (Document, error) {
	if err := checkParams(params, "json"); err != nil {
		return Document{}, err
	}
	return Document{MediaType: MediaTypeJSON, Body: ConformanceDeclaration{
		ConformsTo: []string{ConfCore, ConfGeoJSON, ConfOAS30, ConfQueryables, ConfQueryablesParams, ConfSchemas},
		Links: []Link{
			{Href: newURLs(base).conformance(), Rel: "self", Type: MediaTypeJSON, Title: "This document"},
		},
	}}, nil
}

// Collections returns the description of every published collection. It accepts the query parameter f=json.
func (s *Service) Collections(ctx context.Context, base string, params url.Values) (Document, error) {
	if err := checkParams(params, "json"); err != nil {
		return Document{}, err
	}
	u := newURLs(base)
	doc := CollectionsDocument{
		Links:       []Link{{Href: u.collections(), Rel: "self", Type: MediaTypeJSON, Title: "This document"}},
		Collections: make([]CollectionDocument, 0, len(s.Published)),
	}
	for _, c := range s.Published {
		cd, err := describe(ctx, u, c, c.Info())
		if err != nil {
			return Document{}, err
		}
		doc.Collections = append(doc.Collections, cd)
	}
	return Document{MediaType: MediaTypeJSON, Body: doc}, nil
}

// Collection returns the description of the collection with id, or an error wrapping ErrNotFound. It accepts the
// query parameter f=json.
func (s *Service) Collection(ctx context.Context, base, id string, params url.Values) (Document, error) {
	c, info, err := s.find(id)
	if err != nil {
		return Document{}, err
	}
	if err := checkParams(params, "json"); err != nil {
		return Document{}, err
	}
	cd, err := describe(ctx, newURLs(base), c, info)
	if err != nil {
		return Document{}, err
	}
	return Document{MediaType: MediaTypeJSON, Body: cd}, nil
}

// describe returns the description of collection c.
func describe(ctx context.Context, u urls, c Collection, info CollectionInfo) (CollectionDocument, error) {
	ext, err := c.Extent(ctx)
	if err != nil {
		return CollectionDocument{}, fmt.Errorf("ogc: extent of collection %q: %w", info.ID, err)
	}
	cd := CollectionDocument{
		ID:          info.ID,
		Title:       info.Title,
		Description: info.Description,
		Links: []Link{
			{Href: u.collection(info.ID), Rel: "self", Type: MediaTypeJSON, Title: "This collection"},
			{Href: u.items(info.ID, nil), Rel: "items", Type: MediaTypeGeoJSON, Title: "Features of " + titleOf(info)},
			{Href: u.collection(info.ID) + "/schema", Rel: RelSchema, Type: MediaTypeJSONSchema, Title: "Schema of " + titleOf(info)},
			{Href: u.collection(info.ID) + "/queryables", Rel: RelQueryables, Type: MediaTypeJSONSchema, Title: "Queryables of " + titleOf(info)},
			{Href: u.collection(info.ID) + "/feature-schema", Rel: RelDescribedBy, Type: MediaTypeJSONSchema, Title: "JSON Schema of a feature of " + titleOf(info)},
		},
		ItemType:   "feature",
		CRS:        []string{CRS84},
		StorageCRS: CRS84,
	}
	var ed ExtentDocument
	if b := ext.BBox; b != nil {
		ed.Spatial = &SpatialExtent{BBox: [][]float64{{b.Min.X(), b.Min.Y(), b.Max.X(), b.Max.Y()}}, CRS: CRS84}
	}
	if info.TemporalProperty != "" {
		ed.Temporal = &TemporalExtent{Interval: [][]*string{{timeString(ext.Start), timeString(ext.End)}}, TRS: TRSGregorian}
	}
	if ed.Spatial != nil || ed.Temporal != nil {
		cd.Extent = &ed
	}
	return cd, nil
}

// titleOf returns the collection's title, or its id when it has none.
func titleOf(info CollectionInfo) string {
	if info.Title != "" {
		return info.Title
	}
	return info.ID
}

// timeString returns t as RFC 3339 in UTC, or nil for nil.
func timeString(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// Items returns a page of the features of the collection with id that match the query parameters params:
//
//   - bbox: see ParseBBox;
//   - datetime, for a collection with a temporal property: see ParseDatetime;
//   - limit: the page size, DefaultLimit when absent; a limit above MaxLimit is served as MaxLimit;
//   - cursor: where the page starts, as the next link sets it (keyset paging: the id of the previous page's last
//     feature, so a page costs the same wherever it lies);
//   - offset: a number of matching features to skip, 0..MaxOffset, 0 when absent;
//   - the collection's property filters (CollectionInfo.Filters) and parameters (CollectionInfo.Parameters);
//   - f=json or f=geojson, which change nothing.
//
// Any other parameter, or one given twice, is rejected. The body is a *FeatureCollection with numberMatched (where
// the collection counts it), numberReturned, timeStamp and links self, collection, next (while features remain
// after this page: the request's parameters with the cursor of this page's last feature) and prev (for a request
// with offset > 0 and no cursor). Errors are a *ParamError, an error wrapping ErrNotFound for an unknown collection,
// or the collection's own error, wrapped.
func (s *Service) Items(ctx context.Context, base, id string, params url.Values) (Document, error) {
	c, info, err := s.find(id)
	if err != nil {
		return Document{}, err
	}
	def, maxLimit := s.limits()
	p := itemsParams{temporal: info.TemporalProperty != "", params: info.Parameters, defaultLimit: def, maxLimit: maxLimit}
	for _, f := range info.Filters {
		p.filters = append(p.filters, f.Name)
	}
	q, err := parseItemsQuery(params, p)
	if err != nil {
		return Document{}, err
	}
	features, matched, err := c.Items(ctx, q)
	if err != nil {
		return Document{}, fmt.Errorf("ogc: items of collection %q: %w", id, err)
	}
	more := len(features) > q.Limit
	if more {
		features = features[:q.Limit]
	}
	if features == nil {
		features = []*geojson.Feature{}
	}
	u := newURLs(base)
	fc := &FeatureCollection{
		Type:     "FeatureCollection",
		Features: features,
		Links: []Link{
			{Href: u.items(id, params), Rel: "self", Type: MediaTypeGeoJSON, Title: "This page"},
			{Href: u.collection(id), Rel: "collection", Type: MediaTypeJSON, Title: titleOf(info)},
		},
		TimeStamp:      s.now().UTC().Format(time.RFC3339),
		NumberReturned: len(features),
	}
	if matched >= 0 {
		fc.NumberMatched = &matched
	}
	with := func(set func(v url.Values)) url.Values {
		v := make(url.Values, len(params)+2)
		for name, values := range params {
			v[name] = values
		}
		v.Set(paramLimit, strconv.Itoa(q.Limit))
		set(v)
		return v
	}
	// An empty page has no next, even if the collection said there was more: a next link to the same place would loop.
	if last, ok := lastID(features); more && ok {
		fc.Links = append(fc.Links, Link{Href: u.items(id, with(func(v url.Values) {
			v.Del(paramOffset)
			v.Set(paramCursor, last)
		})), Rel: "next", Type: MediaTypeGeoJSON, Title: "Next page"})
	}
	if q.Offset > 0 && q.After == "" {
		fc.Links = append(fc.Links, Link{Href: u.items(id, with(func(v url.Values) {
			if prev := max(q.Offset-q.Limit, 0); prev > 0 {
				v.Set(paramOffset, strconv.Itoa(prev))
			} else {
				v.Del(paramOffset)
			}
		})), Rel: "prev", Type: MediaTypeGeoJSON, Title: "Previous page"})
	}
	return Document{MediaType: MediaTypeGeoJSON, Body: fc}, nil
}

// ParamItemer is a Collection whose single features also depend on its Parameters (a settlement's status as_of a
// date): Item calls ItemWith when the request gives any of them.
type ParamItemer interface {
	// ItemWith returns the feature with id as the parameters (by name, checked as CollectionInfo.Parameters says)
	// make it, or an error wrapping ErrNotFound.
	ItemWith(ctx context.Context, id string, params map[string]string) (*geojson.Feature, error)
}

// itemParams picks out of params the collection's Parameters, checking their formats; nil when none is given.
// Other parameters are ignored, as on every endpoint but items.
func itemParams(params url.Values, defs []Parameter) (map[string]string, error) {
	var out map[string]string
	for _, d := range defs {
		values, ok := params[d.Name]
		if !ok {
			continue
		}
		if len(values) != 1 {
			return nil, paramErr(d.Name, "", "given %d times: give it once", len(values))
		}
		v := values[0]
		if d.Format == "date" {
			if _, err := time.Parse(dateLayout, v); err != nil || len(v) != len(dateLayout) {
				return nil, paramErr(d.Name, v, "want a date YYYY-MM-DD")
			}
		}
		if out == nil {
			out = make(map[string]string)
		}
		out[d.Name] = v
	}
	return out, nil
}

// lastID returns the id, as text, of the last of features: the cursor of the page after them.
func lastID(features []*geojson.Feature) (string, bool) {
	if len(features) == 0 || features[len(features)-1] == nil {
		return "", false
	}
	return idText(features[len(features)-1].ID)
}

// Item returns the feature fid of the collection with id, with links self and collection, or an error wrapping
// ErrNotFound when either is unknown. It accepts the query parameter f=json or f=geojson. The body is a
// *geojson.Feature: a copy of the collection's with the links added as a foreign member.
func (s *Service) Item(ctx context.Context, base, id, fid string, params url.Values) (Document, error) {
	c, info, err := s.find(id)
	if err != nil {
		return Document{}, err
	}
	if err := checkParams(params, "json", "geojson"); err != nil {
		return Document{}, err
	}
	extra, err := itemParams(params, info.Parameters)
	if err != nil {
		return Document{}, err
	}
	var f *geojson.Feature
	if pc, ok := c.(ParamItemer); ok && extra != nil {
		f, err = pc.ItemWith(ctx, fid, extra)
	} else {
		f, err = c.Item(ctx, fid)
	}
	switch {
	case f == nil && (err == nil || errors.Is(err, ErrNotFound)):
		// A fresh error: the collection's may say more than a client needs.
		return Document{}, fmt.Errorf("%w: no feature %q in collection %q", ErrNotFound, fid, id)
	case err != nil:
		return Document{}, fmt.Errorf("ogc: feature %q of collection %q: %w", fid, id, err)
	}
	u := newURLs(base)
	out := *f
	out.ExtraMembers = f.ExtraMembers.Clone() // never nil; the collection's feature stays untouched
	out.ExtraMembers["links"] = []Link{
		{Href: u.item(id, fid), Rel: "self", Type: MediaTypeGeoJSON, Title: "This feature"},
		{Href: u.collection(id), Rel: "collection", Type: MediaTypeJSON, Title: titleOf(info)},
	}
	return Document{MediaType: MediaTypeGeoJSON, Body: &out}, nil
}
