package ogc

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// Query is what Service.Items asks a Collection for: the features matching every given filter, in a stable order,
// the Offset first skipped and at most Limit returned.
type Query struct {
	// BBox, when not nil, selects the features whose geometry intersects it. It is in CRS84 with
	// Min.X() <= Max.X() and Min.Y() <= Max.Y().
	BBox *orb.Bound
	// Datetime, when not zero, selects the features whose temporal property (CollectionInfo.TemporalProperty)
	// intersects it. It is never set for a collection without a temporal property.
	Datetime Interval
	// Filters holds the collection's property filters (CollectionInfo.Filters) given in the request, by name; nil
	// when none was given. A feature matches when its property equals the value.
	Filters map[string]string
	// Params holds the collection's further parameters (CollectionInfo.Parameters) given in the request, by name;
	// nil when none was given.
	Params map[string]string
	// Limit is the page size, 1..Service.MaxLimit.
	Limit int
	// After is the id (as text) of the last feature of the previous page, from the next link's cursor: the page
	// starts after it. "" starts at the first feature.
	After string
	// Offset is the number of matching features to skip, 0..MaxOffset (after After).
	Offset int
}

// MaxOffset is the largest offset Items accepts, so that offset+limit cannot overflow anywhere downstream.
const MaxOffset = math.MaxInt32

// Interval is the value of the datetime parameter: an instant, or a closed interval whose ends may be open. Both ends
// are inclusive and in UTC. The zero Interval (both ends nil) means "no datetime filter"; ParseDatetime never
// returns it, since it rejects "../..".
type Interval struct {
	// Start is the first instant of the interval, nil for an open start ("..").
	Start *time.Time
	// End is the last instant of the interval, nil for an open end ("..").
	End *time.Time
	// Instant reports that the value was a single date-time; Start and End then hold the same time.
	Instant bool
}

// IsZero reports whether iv selects every time: no datetime filter.
func (iv Interval) IsZero() bool { return iv.Start == nil && iv.End == nil }

// Contains reports whether t lies in iv, ends included.
func (iv Interval) Contains(t time.Time) bool {
	return (iv.Start == nil || !t.Before(*iv.Start)) && (iv.End == nil || !t.After(*iv.End))
}

// Overlaps reports whether iv and the interval from start to end (ends included, nil for open) share an instant.
func (iv Interval) Overlaps(start, end *time.Time) bool {
	if iv.Start != nil && end != nil && end.Before(*iv.Start) {
		return false
	}
	if iv.End != nil && start != nil && start.After(*iv.End) {
		return false
	}
	return true
}

// String returns iv as a datetime parameter value that ParseDatetime reads back as iv: an RFC 3339 instant, or
// "start/end" with ".." for an open end. It returns "../.." for the zero Interval.
func (iv Interval) String() string {
	if iv.Instant && iv.Start != nil {
		return iv.Start.UTC().Format(time.RFC3339Nano)
	}
	end := func(t *time.Time) string {
		if t == nil {
			return ".."
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	return end(iv.Start) + "/" + end(iv.End)
}

// dateLayout is the layout of a plain date in a datetime value.
const dateLayout = "2006-01-02"

// datetimeWant says what ParseDatetime accepts, for its error messages.
const datetimeWant = "want an RFC 3339 date-time (2025-03-28T06:00:00Z), a date (2025-03-28) " +
	"or an interval start/end with .. or nothing for an open end"

// ParseDatetime parses the value of the datetime parameter (OGC 17-069r4 §7.15.4):
//
//   - an RFC 3339 date-time with a zone, "2025-03-28T06:00:00Z" or "2025-03-28T09:00:00+03:00": an instant;
//   - a plain date, "2025-03-28": the whole of that UTC day, 00:00:00 to 23:59:59.999999999;
//   - an interval "a/b" of two of those, where an open end is written ".." or left empty ("a/..", "a/", "../b",
//     "/b"); a date at the start of an interval stands for the start of its day, at the end for the end of its day.
//
// "../.." (and "/") is rejected: an interval open at both ends filters nothing, so leave the parameter out. So is an
// interval whose end comes before its start. As a courtesy to GDAL, whose OAPIF driver turns a date comparison into
// "2025-03-28T" (a date with a dangling T), that form is read as the plain date. Errors are *ParamError.
func ParseDatetime(s string) (Interval, error) {
	bad := func(msg string) (Interval, error) { return Interval{}, paramErr("datetime", s, "%s", msg) }
	if s == "" {
		return bad("empty: " + datetimeWant)
	}
	startText, endText, isInterval := strings.Cut(s, "/")
	if !isInterval {
		if s == ".." {
			return bad(`".." stands only for an open end of an interval, as in 2025-03-01/..`)
		}
		t, day, ok := parseTime(s)
		switch {
		case !ok:
			return bad(datetimeWant)
		case day:
			end := endOfDay(t)
			return Interval{Start: &t, End: &end}, nil
		default:
			return Interval{Start: &t, End: &t, Instant: true}, nil
		}
	}
	if strings.Contains(endText, "/") {
		return bad("more than one /: " + datetimeWant)
	}
	open := func(text string) bool { return text == "" || text == ".." }
	if open(startText) && open(endText) {
		return bad("both ends are open: leave datetime out to select every time")
	}
	var iv Interval
	if !open(startText) {
		t, _, ok := parseTime(startText)
		if !ok {
			return bad("start " + strconv.Quote(startText) + ": " + datetimeWant)
		}
		iv.Start = &t
	}
	if !open(endText) {
		t, day, ok := parseTime(endText)
		if !ok {
			return bad("end " + strconv.Quote(endText) + ": " + datetimeWant)
		}
		if day {
			t = endOfDay(t)
		}
		iv.End = &t
	}
	if iv.Start != nil && iv.End != nil && iv.End.Before(*iv.Start) {
		return bad("the end comes before the start")
	}
	return iv, nil
}

// parseTime parses an RFC 3339 date-time (returned in UTC) or a plain date (returned as midnight UTC with day set).
func parseTime(s string) (t time.Time, day, ok bool) {
	if len(s) == len(dateLayout)+1 && s[len(dateLayout)] == 'T' { // GDAL's "2025-03-28T"
		s = s[:len(dateLayout)]
	}
	if len(s) == len(dateLayout) {
		t, err := time.Parse(dateLayout, s)
		return t, true, err == nil
	}
	// RFC 3339 §5.6 allows a lower-case t and z; Go's parser wants them upper-case.
	t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s))
	if err != nil {
		return time.Time{}, false, false
	}
	return t.UTC(), false, true
}

// endOfDay returns the last representable instant of the UTC day that starts at midnight.
func endOfDay(midnight time.Time) time.Time { return midnight.AddDate(0, 0, 1).Add(-time.Nanosecond) }

// ParseBBox parses the value of the bbox parameter (OGC 17-069r4 §7.15.3): four numbers "minLon,minLat,maxLon,maxLat"
// in CRS84, or six "minLon,minLat,minHeight,maxLon,maxLat,maxHeight" whose heights are checked (min <= max) and then
// ignored, since tiled's features have no heights and so none lies outside a height range. Longitudes must lie in
// -180..180 and latitudes in -90..90, each minimum no larger than its maximum. A box crossing the antimeridian
// (minLon > maxLon, which the standard allows) is rejected: tiled's features are nowhere near it, and a Query holds a
// single orb.Bound. Errors are *ParamError.
func ParseBBox(s string) (orb.Bound, error) {
	bad := func(format string, args ...any) (orb.Bound, error) {
		return orb.Bound{}, paramErr("bbox", s, format, args...)
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return bad("%d numbers: want 4, minLon,minLat,maxLon,maxLat (or 6 with heights)", len(parts))
	}
	v := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bad("number %d (%q) is not a finite number", i+1, p)
		}
		v[i] = f
	}
	if len(v) == 6 {
		if v[2] > v[5] {
			return bad("minimum height %g is above maximum height %g", v[2], v[5])
		}
		v = []float64{v[0], v[1], v[3], v[4]}
	}
	minLon, minLat, maxLon, maxLat := v[0], v[1], v[2], v[3]
	for _, lon := range []float64{minLon, maxLon} {
		if lon < -180 || lon > 180 {
			return bad("longitude %g is outside -180..180", lon)
		}
	}
	for _, lat := range []float64{minLat, maxLat} {
		if lat < -90 || lat > 90 {
			return bad("latitude %g is outside -90..90", lat)
		}
	}
	if minLat > maxLat {
		return bad("minimum latitude %g is above maximum latitude %g", minLat, maxLat)
	}
	if minLon > maxLon {
		return bad("minimum longitude %g is east of maximum longitude %g: boxes across the antimeridian "+
			"are not supported", minLon, maxLon)
	}
	return orb.Bound{Min: orb.Point{minLon, minLat}, Max: orb.Point{maxLon, maxLat}}, nil
}

// parseLimit parses the value of the limit parameter: a positive integer, clamped to maxLimit. A limit above the
// maximum is served as the maximum, as OGC 17-069r4 Requirement 22 C (/req/core/fc-limit-response-1) says: it
// "SHALL NOT result in an error". A limit of 0, a negative one or one that is not a number is a *ParamError.
func parseLimit(s string, maxLimit int) (int, error) {
	bad := func() (int, error) {
		return 0, paramErr("limit", s, "want a positive integer (at most %d features are served per page)", maxLimit)
	}
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return bad()
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil: // digits only, so too large for an int: more than the maximum
		return maxLimit, nil
	case n < 1:
		return bad()
	case n > maxLimit:
		return maxLimit, nil
	}
	return n, nil
}

// parseOffset parses the value of the offset parameter: an integer in 0..MaxOffset.
func parseOffset(s string) (int, error) {
	n, ok := parseCount(s)
	if !ok || n > MaxOffset {
		return 0, paramErr("offset", s, "want an integer from 0 to %d", MaxOffset)
	}
	return n, nil
}

// parseCount parses a decimal integer written with digits only (no sign, no spaces); ok is false for anything else,
// including a number too large for an int.
func parseCount(s string) (n int, ok bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// Names of the query parameters Items understands besides a collection's property filters.
const (
	paramBBox     = "bbox"
	paramDatetime = "datetime"
	paramLimit    = "limit"
	paramOffset   = "offset"
	paramCursor   = "cursor"
	paramFormat   = "f"
)

// reservedParam reports whether name is a query parameter of items that a property filter may not take.
func reservedParam(name string) bool {
	switch name {
	case paramBBox, paramDatetime, paramLimit, paramOffset, paramCursor, paramFormat:
		return true
	}
	return false
}

// itemsParams says which query parameters an items request for one collection accepts.
type itemsParams struct {
	temporal     bool     // datetime is accepted
	filters      []string // property filters accepted
	params       []Parameter
	defaultLimit int
	maxLimit     int
}

// parseItemsQuery parses the query parameters of an items request into a Query. Every parameter may be given once;
// one that the collection's API definition does not list is rejected, as /req/core/query-param-unknown requires.
// Errors are *ParamError.
func parseItemsQuery(params url.Values, p itemsParams) (Query, error) {
	q := Query{Limit: p.defaultLimit}
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	slices.Sort(names) // report the same error for the same request
	for _, name := range names {
		values := params[name]
		if len(values) != 1 {
			return Query{}, paramErr(name, "", "given %d times: give it once", len(values))
		}
		v := values[0]
		var err error
		switch {
		case name == paramBBox:
			var b orb.Bound
			b, err = ParseBBox(v)
			q.BBox = &b
		case name == paramDatetime && p.temporal:
			q.Datetime, err = ParseDatetime(v)
		case name == paramLimit:
			q.Limit, err = parseLimit(v, p.maxLimit)
		case name == paramOffset:
			q.Offset, err = parseOffset(v)
		case name == paramCursor:
			if v == "" {
				return Query{}, paramErr(name, v, "empty: leave it out to start at the first feature")
			}
			q.After = v
		case name == paramFormat:
			err = checkFormat(v, "json", "geojson")
		case slices.Contains(p.filters, name):
			if v == "" {
				return Query{}, paramErr(name, v, "empty: want the value the property must equal")
			}
			if q.Filters == nil {
				q.Filters = make(map[string]string)
			}
			q.Filters[name] = v
		default:
			i := slices.IndexFunc(p.params, func(x Parameter) bool { return x.Name == name })
			if i < 0 {
				return Query{}, unknownParam(name, v, p.accepted())
			}
			if p.params[i].Format == "date" {
				if _, err := time.Parse(dateLayout, v); err != nil || len(v) != len(dateLayout) {
					return Query{}, paramErr(name, v, "want a date YYYY-MM-DD")
				}
			}
			if q.Params == nil {
				q.Params = make(map[string]string)
			}
			q.Params[name] = v
		}
		if err != nil {
			return Query{}, err
		}
	}
	return q, nil
}

// accepted returns the names of the parameters p accepts, for error messages.
func (p itemsParams) accepted() []string {
	names := []string{paramBBox}
	if p.temporal {
		names = append(names, paramDatetime)
	}
	names = append(names, paramLimit, paramCursor, paramOffset, paramFormat)
	names = append(names, p.filters...)
	for _, x := range p.params {
		names = append(names, x.Name)
	}
	return names
}

// checkParams checks the f parameter, when given, against the formats an endpoint offers: the parameters of the
// endpoints other than items. Other parameters are ignored: GDAL's OAPIF driver carries the query of the URL it
// was given (OAPIF:https://…/ogc?as_of=2025-03-30) to every request it makes, the landing page, the API definition
// and /collections included, where they mean nothing; items, which they are for, checks them. Errors are
// *ParamError.
func checkParams(params url.Values, formats ...string) error {
	values, ok := params[paramFormat]
	if !ok {
		return nil
	}
	if len(values) != 1 {
		return paramErr(paramFormat, "", "given %d times: give it once", len(values))
	}
	return checkFormat(values[0], formats...)
}

// checkFormat checks the value of the f parameter against the formats an endpoint offers.
func checkFormat(v string, formats ...string) error {
	if !slices.Contains(formats, v) {
		return paramErr(paramFormat, v, "unsupported format: want %s", strings.Join(formats, " or "))
	}
	return nil
}

// unknownParam returns the *ParamError for a query parameter the endpoint does not know.
func unknownParam(name, value string, accepted []string) *ParamError {
	return paramErr(name, value, "unknown parameter: this endpoint accepts %s", strings.Join(accepted, ", "))
}
