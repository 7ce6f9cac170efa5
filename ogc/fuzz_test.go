package ogc

import (
	"errors"
	"net/url"
	"testing"
)

// FuzzParseItemsQuery feeds query strings to the items parameter parser: it must not panic, must fail only with a
// *ParamError, and what it accepts must be in range.
func FuzzParseItemsQuery(f *testing.F) {
	for _, seed := range []string{
		"",
		"limit=10&offset=20",
		"bbox=35.5,50.2,36.1,50.9",
		"bbox=35,50,-100,36,51,2000",
		"bbox=170,-10,-170,10",
		"datetime=2025-03-28T00:00:00Z",
		"datetime=2025-03-28",
		"datetime=2025-03-28T",
		"datetime=2025-03-01/2025-03-31",
		"datetime=../2025-03-31T00:00:00Z",
		"datetime=2025-03-01T00:00:00%2B03:00/",
		"datetime=../..",
		"holder=ua&f=geojson",
		"limit=0",
		"limit=99999999999999999999",
		"offset=-1",
		"foo=bar",
		"limit=1&limit=2",
		"bbox=NaN,0,1,1",
	} {
		f.Add(seed)
	}
	p := itemsParams{temporal: true, filters: []string{"holder"}, defaultLimit: DefaultLimit, maxLimit: DefaultMaxLimit}
	f.Fuzz(func(t *testing.T, raw string) {
		params, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := parseItemsQuery(params, p)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) || !errors.Is(err, ErrBadRequest) {
				t.Fatalf("parseItemsQuery(%q) error = %v (%T), want a *ParamError", raw, err, err)
			}
			if _, ok := params[pe.Param]; !ok {
				t.Fatalf("parseItemsQuery(%q) error names %q, which the query does not hold", raw, pe.Param)
			}
			return
		}
		if q.Limit < 1 || q.Limit > DefaultMaxLimit || q.Offset < 0 || q.Offset > MaxOffset {
			t.Fatalf("parseItemsQuery(%q) = limit %d, offset %d: out of range", raw, q.Limit, q.Offset)
		}
		if b := q.BBox; b != nil && (b.Min.X() > b.Max.X() || b.Min.Y() > b.Max.Y() ||
			b.Min.X() < -180 || b.Max.X() > 180 || b.Min.Y() < -90 || b.Max.Y() > 90) {
			t.Fatalf("parseItemsQuery(%q) bbox = %v: not a valid CRS84 box", raw, *b)
		}
		iv := q.Datetime
		if _, given := params[paramDatetime]; given != !iv.IsZero() {
			t.Fatalf("parseItemsQuery(%q) datetime = %v, given %v", raw, iv, given)
		}
		if iv.Start != nil && iv.End != nil && iv.End.Before(*iv.Start) {
			t.Fatalf("parseItemsQuery(%q) datetime = %v: ends before it starts", raw, iv)
		}
		if !iv.IsZero() {
			back, err := ParseDatetime(iv.String())
			if err != nil || !sameInterval(back, iv) {
				t.Fatalf("ParseDatetime(%q) = %v, %v, want %v back", iv.String(), back, err, iv)
			}
		}
	})
}
