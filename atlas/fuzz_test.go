package atlas

import (
	"context"
	"errors"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/tiles"
)

// FuzzParseBBox: a box parseBBox accepts is a real CRS84 box, its minimum below its maximum; what it refuses is
// a *ParamError naming the parameter.
func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"35,50,36,51", "-180,-90,180,90", " 35.5 , 50.2,36.1,50.9", "1,2,3", "36,50,35,51",
		"-Inf,-90,+Inf,90", "1e2,0,1e3,1", "0x1p-2,0,1,1", "", ",,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := parseBBox("bbox", s)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Param != "bbox" || !errors.Is(err, ErrBadRequest) {
				t.Fatalf("parseBBox(%q) error = %v (%T), want a *ParamError for bbox", s, err, err)
			}
			return
		}
		for _, v := range []float64{b.Min.X(), b.Min.Y(), b.Max.X(), b.Max.Y()} {
			if math.IsNaN(v) {
				t.Fatalf("parseBBox(%q) = %v, want no NaN", s, b)
			}
		}
		if b.Min.X() < -180 || b.Max.X() > 180 || b.Min.Y() < -90 || b.Max.Y() > 90 || b.Min.X() > b.Max.X() || b.Min.Y() > b.Max.Y() {
			t.Fatalf("parseBBox(%q) = %v, want a box inside [-180,180]×[-90,90] with min ≤ max", s, b)
		}
	})
}

// FuzzClaimBody: any body AddClaim may be sent parses into a claim or fails with an error the web layer maps to a
// 4xx (ErrBadRequest, ErrBodyTooLarge or ledger.ErrInvalid); never a panic, never an id taken from the client.
func FuzzClaimBody(f *testing.F) {
	for _, s := range []string{
		`{"settlement":"ru-bel-demidovka","source":"isw","holder":"ua","degree":"presence","valid_at":"2025-04-08","published_at":"2025-04-09","evidence":"analyst-assessment","summary":"Said so.","credibility":2}`,
		`{"id":5}`, `[]`, `{"a":1} {"b":2}`, `{"summary":{"x":1}}`, `{"credibility":1e400}`, `{"supersedes":"-1"}`,
		`{"settlement":"x","settlement":"y"}`, `null`, `"text"`, ``, `{"valid_at":"0000-12-31"}`,
		`{"summary":"\ud800"}`, "{\"summary\":\"\xff\"}", `{"valid_at":"1899-12-31"}`, `{"source":"consensus"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := parseClaimBody(strings.NewReader(string(body)))
		if err != nil {
			if !errors.Is(err, ErrBadRequest) && !errors.Is(err, ErrBodyTooLarge) && !errors.Is(err, ledger.ErrInvalid) {
				t.Fatalf("parseClaimBody(%q) error = %v (%T), want one the web layer maps to a 4xx", body, err, err)
			}
			return
		}
		if c.ID != 0 || c.RecordedBy != "" || !c.RecordedAt.IsZero() {
			t.Fatalf("parseClaimBody(%q) = %+v: id or recording fields taken from the client", body, c)
		}
		if c.ValidAt.IsZero() || c.PublishedAt.IsZero() || !c.Holder.Valid() || !c.Evidence.Valid() {
			t.Fatalf("parseClaimBody(%q) = %+v: a required field is not set", body, c)
		}
	})
}

// seededAtlas returns an Atlas over the seed data in tb's temporary directory.
func seededAtlas(tb testing.TB) *Atlas {
	tb.Helper()
	db := testdb.Open(tb)
	if _, err := seed.Load(context.Background(), db); err != nil {
		tb.Fatalf("seed.Load: %v", err)
	}
	now := func() time.Time { return time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC) }
	return New(Config{Now: now, MaxZoom: 14, CacheBytes: 1 << 20},
		Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
}

// clientError reports whether err is one the web layer answers with a 4xx (see web/errors.go).
func clientError(err error) bool {
	for _, target := range []error{ErrBadRequest, ErrNotFound, gazetteer.ErrQuery, gazetteer.ErrNotFound, ledger.ErrInvalid,
		tiles.ErrBadTile, tiles.ErrBadPath} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// FuzzQuery sends one query string to every read of the GeoJSON API and to a tile: each either answers or fails
// with a client error (a 4xx), never with anything the web layer would turn into a 500.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{
		"", "bbox=35,50,36,51&as_of=2025-03-30&source=isw&limit=10", "q=%D0%B2+%D0%9F%D0%BE%D0%BF%D0%BE%D0%B2%D0%BA%D0%B5",
		"as_of=0000-12-31", "source=consensus", "source=';DROP TABLE claims;--", "settlement=ru-bel-demidovka&since=2025-01-01",
		"from=2025-03-01&to=2025-04-10", "from=2025-04-10&to=2025-03-01", "q=Popovka&context=Krasnoyaruzhsky&near=50.9,35.42&within_km=30",
		"near=NaN,NaN", "within_km=-1", "limit=0", "limit=99999999999999999999", "v=1", "v=x", "bbox=NaN,0,1,1", "x=1",
	} {
		f.Add(s)
	}
	a := seededAtlas(f)
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		ctx := context.Background()
		check := func(what string, err error) {
			if err != nil && !clientError(err) {
				t.Fatalf("%s(%q) error = %v (%T), want nil or a client error (a 4xx)", what, raw, err, err)
			}
		}
		_, err = a.Settlements(ctx, q)
		check("Settlements", err)
		_, err = a.Claims(ctx, q)
		check("Claims", err)
		_, err = a.Diff(ctx, q)
		check("Diff", err)
		_, err = a.Geocode(ctx, q)
		check("Geocode", err)
		_, err = a.Tile(ctx, "9", "306", "171.mvt", q)
		check("Tile", err)
		_, err = a.Settlement(ctx, "ru-bel-demidovka", q)
		check("Settlement", err)
	})
}
