package ogc

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// wantParamError fails the test unless err is a *ParamError for param that also matches ErrBadRequest.
func wantParamError(tb testing.TB, call string, err error, param string) {
	tb.Helper()
	var pe *ParamError
	switch {
	case err == nil:
		tb.Errorf("%s error = nil, want a *ParamError for %s", call, param)
	case !errors.As(err, &pe):
		tb.Errorf("%s error = %v (%T), want a *ParamError", call, err, err)
	case pe.Param != param:
		tb.Errorf("%s error names parameter %q, want %q (%v)", call, pe.Param, param, err)
	case !errors.Is(err, ErrBadRequest):
		tb.Errorf("%s error = %v, does not match ErrBadRequest", call, err)
	}
}

func TestParseBBox(t *testing.T) {
	good := []struct {
		name, in string
		want     orb.Bound
	}{
		{"four", "35.5,50.2,36.1,50.9", orb.Bound{Min: orb.Point{35.5, 50.2}, Max: orb.Point{36.1, 50.9}}},
		{"negative", "-10,-20.5,10,20", orb.Bound{Min: orb.Point{-10, -20.5}, Max: orb.Point{10, 20}}},
		{"whole world", "-180,-90,180,90", orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}},
		{"a point", "36,50,36,50", orb.Bound{Min: orb.Point{36, 50}, Max: orb.Point{36, 50}}},
		{"spaces", " 35 , 50 , 36 , 51 ", orb.Bound{Min: orb.Point{35, 50}, Max: orb.Point{36, 51}}},
		{"GDAL %.18g", "35.5,50.2000000000000028,36.1000000000000014,50.8999999999999986",
			orb.Bound{Min: orb.Point{35.5, 50.2}, Max: orb.Point{36.1, 50.9}}},
		{"exponent", "3.5e1,5e1,3.6e1,5.1e1", orb.Bound{Min: orb.Point{35, 50}, Max: orb.Point{36, 51}}},
		{"six, heights ignored", "35,50,-100,36,51,2000", orb.Bound{Min: orb.Point{35, 50}, Max: orb.Point{36, 51}}},
	}
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseBBox(tc.in)
			if err != nil {
				t.Fatalf("ParseBBox(%q) error = %v", tc.in, err)
			}
			if !got.Equal(tc.want) {
				t.Errorf("ParseBBox(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
	bad := []struct{ name, in string }{
		{"empty", ""},
		{"three", "35,50,36"},
		{"five", "35,50,36,51,1"},
		{"seven", "1,2,3,4,5,6,7"},
		{"empty number", "35,,36,51"},
		{"trailing comma", "35,50,36,51,"},
		{"word", "35,50,east,51"},
		{"NaN", "NaN,50,36,51"},
		{"Inf", "35,50,+Inf,51"},
		{"overflow", "35,50,1e400,51"},
		{"lon below -180", "-180.5,50,36,51"},
		{"lon above 180", "35,50,181,51"},
		{"lat below -90", "35,-91,36,51"},
		{"lat above 90", "35,50,36,90.1"},
		{"lat swapped", "35,51,36,50"},
		{"antimeridian", "170,-10,-170,10"},
		{"heights swapped", "35,50,100,36,51,0"},
		{"semicolons", "35;50;36;51"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseBBox(tc.in)
			wantParamError(t, "ParseBBox("+tc.in+")", err, "bbox")
			if err == nil {
				t.Errorf("ParseBBox(%q) = %v, want an error", tc.in, got)
			}
		})
	}
}

func TestParseDatetime(t *testing.T) {
	at := func(s string) *time.Time { return timePtr(t, s) }
	good := []struct {
		name, in string
		want     Interval
	}{
		{"instant", "2025-03-28T00:00:00Z",
			Interval{Start: at("2025-03-28T00:00:00Z"), End: at("2025-03-28T00:00:00Z"), Instant: true}},
		{"instant with offset, in UTC", "2025-03-28T09:30:00+03:00",
			Interval{Start: at("2025-03-28T06:30:00Z"), End: at("2025-03-28T06:30:00Z"), Instant: true}},
		{"instant with fraction", "2025-03-28T06:30:00.25Z",
			Interval{Start: at("2025-03-28T06:30:00.25Z"), End: at("2025-03-28T06:30:00.25Z"), Instant: true}},
		{"lower-case t and z", "2025-03-28t06:30:00z",
			Interval{Start: at("2025-03-28T06:30:00Z"), End: at("2025-03-28T06:30:00Z"), Instant: true}},
		{"date is the day", "2025-03-28",
			Interval{Start: at("2025-03-28T00:00:00Z"), End: at("2025-03-28T23:59:59.999999999Z")}},
		{"GDAL date with T", "2025-03-28T",
			Interval{Start: at("2025-03-28T00:00:00Z"), End: at("2025-03-28T23:59:59.999999999Z")}},
		{"closed", "2025-03-01T00:00:00Z/2025-03-31T12:00:00Z",
			Interval{Start: at("2025-03-01T00:00:00Z"), End: at("2025-03-31T12:00:00Z")}},
		{"closed dates", "2025-03-01/2025-03-31",
			Interval{Start: at("2025-03-01T00:00:00Z"), End: at("2025-03-31T23:59:59.999999999Z")}},
		{"GDAL closed dates", "2025-03-01T/2025-03-31T",
			Interval{Start: at("2025-03-01T00:00:00Z"), End: at("2025-03-31T23:59:59.999999999Z")}},
		{"same day", "2025-03-28/2025-03-28",
			Interval{Start: at("2025-03-28T00:00:00Z"), End: at("2025-03-28T23:59:59.999999999Z")}},
		{"open end ..", "2025-03-01T00:00:00Z/..", Interval{Start: at("2025-03-01T00:00:00Z")}},
		{"open end empty", "2025-03-01T00:00:00Z/", Interval{Start: at("2025-03-01T00:00:00Z")}},
		{"open start ..", "../2025-03-31T00:00:00Z", Interval{End: at("2025-03-31T00:00:00Z")}},
		{"open start empty", "/2025-03-31", Interval{End: at("2025-03-31T23:59:59.999999999Z")}},
	}
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDatetime(tc.in)
			if err != nil {
				t.Fatalf("ParseDatetime(%q) error = %v", tc.in, err)
			}
			if !sameInterval(got, tc.want) {
				t.Errorf("ParseDatetime(%q) = %v, want %v", tc.in, got, tc.want)
			}
			back, err := ParseDatetime(got.String())
			if err != nil || !sameInterval(back, got) {
				t.Errorf("ParseDatetime(%q) = %v, %v, want %v back", got.String(), back, err, got)
			}
		})
	}
	bad := []struct{ name, in string }{
		{"empty", ""},
		{"dots", ".."},
		{"both open", "../.."},
		{"slash", "/"},
		{"open and empty", "../"},
		{"empty and open", "/.."},
		{"no zone", "2025-03-28T00:00:00"},
		{"space for T", "2025-03-28 00:00:00Z"},
		{"bad month", "2025-13-01"},
		{"bad day", "2025-02-30"},
		{"short date", "2025-3-28"},
		{"year only", "2025"},
		{"word", "yesterday"},
		{"three parts", "2025-03-01/2025-03-02/2025-03-03"},
		{"end before start", "2025-03-31/2025-03-01"},
		{"bad start", "2025-03-XX/2025-03-31"},
		{"bad end", "2025-03-01/2025-03-XX"},
		{"unix time", "1743120000"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDatetime(tc.in)
			wantParamError(t, "ParseDatetime("+tc.in+")", err, "datetime")
			if err == nil {
				t.Errorf("ParseDatetime(%q) = %v, want an error", tc.in, got)
			}
		})
	}
}

// sameInterval reports whether a and b hold the same ends and kind.
func sameInterval(a, b Interval) bool {
	same := func(x, y *time.Time) bool { return x == nil && y == nil || x != nil && y != nil && x.Equal(*y) }
	return a.Instant == b.Instant && same(a.Start, b.Start) && same(a.End, b.End)
}

func TestIntervalContainsOverlaps(t *testing.T) {
	at := func(s string) *time.Time { return timePtr(t, s) }
	march := Interval{Start: at("2025-03-01T00:00:00Z"), End: at("2025-03-31T23:59:59Z")}
	fromMarch := Interval{Start: at("2025-03-01T00:00:00Z")}
	tests := []struct {
		name       string
		iv         Interval
		start, end *time.Time
		want       bool
	}{
		{"inside", march, at("2025-03-10T00:00:00Z"), at("2025-03-10T00:00:00Z"), true},
		{"on start", march, at("2025-03-01T00:00:00Z"), at("2025-03-01T00:00:00Z"), true},
		{"on end", march, at("2025-03-31T23:59:59Z"), at("2025-03-31T23:59:59Z"), true},
		{"before", march, at("2025-02-28T23:59:59Z"), at("2025-02-28T23:59:59Z"), false},
		{"after", march, at("2025-04-01T00:00:00Z"), at("2025-04-01T00:00:00Z"), false},
		{"straddles start", march, at("2025-02-20T00:00:00Z"), at("2025-03-01T00:00:00Z"), true},
		{"covers", march, at("2025-01-01T00:00:00Z"), at("2025-12-31T00:00:00Z"), true},
		{"open feature end", march, at("2025-02-01T00:00:00Z"), nil, true},
		{"open feature start, before", march, nil, at("2025-02-01T00:00:00Z"), false},
		{"open interval, later", fromMarch, at("2030-01-01T00:00:00Z"), at("2030-01-01T00:00:00Z"), true},
		{"open interval, earlier", fromMarch, at("2025-02-01T00:00:00Z"), at("2025-02-01T00:00:00Z"), false},
		{"zero interval", Interval{}, at("1900-01-01T00:00:00Z"), at("1900-01-01T00:00:00Z"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.iv.Overlaps(tc.start, tc.end); got != tc.want {
				t.Errorf("%v.Overlaps(%v, %v) = %v, want %v", tc.iv, tc.start, tc.end, got, tc.want)
			}
			if tc.start != nil && tc.end != nil && tc.start.Equal(*tc.end) {
				if got := tc.iv.Contains(*tc.start); got != tc.want {
					t.Errorf("%v.Contains(%v) = %v, want %v", tc.iv, tc.start, got, tc.want)
				}
			}
		})
	}
}

func TestParseItemsQuery(t *testing.T) {
	p := itemsParams{temporal: true, filters: []string{"holder"}, defaultLimit: 10, maxLimit: 100}
	good := []struct {
		name, raw string
		check     func(Query) bool
	}{
		{"nothing", "", func(q Query) bool {
			return q.Limit == 10 && q.Offset == 0 && q.BBox == nil && q.Datetime.IsZero() && q.Filters == nil
		}},
		{"limit 1", "limit=1", func(q Query) bool { return q.Limit == 1 }},
		{"limit max", "limit=100", func(q Query) bool { return q.Limit == 100 }},
		{"limit leading zero", "limit=007", func(q Query) bool { return q.Limit == 7 }},
		{"offset", "offset=40", func(q Query) bool { return q.Offset == 40 }},
		{"offset 0", "offset=0", func(q Query) bool { return q.Offset == 0 }},
		{"offset max", "offset=2147483647", func(q Query) bool { return q.Offset == MaxOffset }},
		{"bbox", "bbox=35,50,36,51", func(q Query) bool { return q.BBox != nil && q.BBox.Max.X() == 36 }},
		{"datetime", "datetime=2025-03-01/..", func(q Query) bool { return q.Datetime.Start != nil && q.Datetime.End == nil }},
		{"filter", "holder=ua", func(q Query) bool { return q.Filters["holder"] == "ua" }},
		{"f=json", "f=json", func(q Query) bool { return q.Limit == 10 }},
		{"f=geojson", "f=geojson", func(q Query) bool { return q.Limit == 10 }},
		{"all", "bbox=35,50,36,51&datetime=2025-03-28&limit=5&offset=5&holder=ru&f=json", func(q Query) bool {
			return q.BBox != nil && !q.Datetime.IsZero() && q.Limit == 5 && q.Offset == 5 && q.Filters["holder"] == "ru"
		}},
	}
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			q, err := parseItemsQuery(query(t, tc.raw), p)
			if err != nil {
				t.Fatalf("parseItemsQuery(%q) error = %v", tc.raw, err)
			}
			if !tc.check(q) {
				t.Errorf("parseItemsQuery(%q) = %+v, not what the case wants", tc.raw, q)
			}
		})
	}
	bad := []struct{ name, raw, param string }{
		{"limit 0", "limit=0", "limit"},
		{"limit negative", "limit=-1", "limit"},
		{"limit plus", "limit=+5", "limit"},
		{"limit float", "limit=2.5", "limit"},
		{"limit empty", "limit=", "limit"},
		{"limit word", "limit=ten", "limit"},
		{"limit twice", "limit=5&limit=6", "limit"},
		{"offset negative", "offset=-10", "offset"},
		{"offset word", "offset=next", "offset"},
		{"offset empty", "offset=", "offset"},
		{"offset too large", "offset=2147483648", "offset"},
		{"bbox bad", "bbox=1,2,3", "bbox"},
		{"bbox twice", "bbox=35,50,36,51&bbox=35,50,36,51", "bbox"},
		{"datetime bad", "datetime=../..", "datetime"},
		{"unknown", "colour=red", "colour"},
		{"unknown resultType", "resultType=hits", "resultType"},
		{"case matters", "LIMIT=5", "LIMIT"},
		{"f html", "f=html", "f"},
		{"f empty", "f=", "f"},
		{"filter empty", "holder=", "holder"},
		{"filter twice", "holder=ru&holder=ua", "holder"},
		{"first bad name in order", "zeta=1&alpha=1", "alpha"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseItemsQuery(query(t, tc.raw), p)
			wantParamError(t, "parseItemsQuery("+tc.raw+")", err, tc.param)
		})
	}
	t.Run("datetime unknown without temporal property", func(t *testing.T) {
		_, err := parseItemsQuery(query(t, "datetime=2025-03-28"), itemsParams{defaultLimit: 10, maxLimit: 100})
		wantParamError(t, "parseItemsQuery(datetime) on a collection without time", err, "datetime")
		if err != nil && !strings.Contains(err.Error(), "unknown parameter") {
			t.Errorf("error = %v, want it to say the parameter is unknown", err)
		}
	})
}

func TestCheckParams(t *testing.T) {
	tests := []struct {
		name, raw string
		param     string // "" for no error
	}{
		{"none", "", ""},
		{"f=json", "f=json", ""},
		{"f=geojson", "f=geojson", "f"},
		{"f twice", "f=json&f=json", "f"},
		// Parameters GDAL carries from the URL it was given to every request are ignored outside items.
		{"bbox", "bbox=35,50,36,51", ""},
		{"limit", "limit=10", ""},
		{"as_of", "as_of=2025-03-30&token=x", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkParams(query(t, tc.raw), "json")
			if tc.param == "" {
				if err != nil {
					t.Errorf("checkParams(%q) error = %v, want nil", tc.raw, err)
				}
				return
			}
			wantParamError(t, "checkParams("+tc.raw+")", err, tc.param)
		})
	}
}
