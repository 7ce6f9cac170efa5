package ogc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

func TestLanding(t *testing.T) {
	s := newTestService(t)
	for _, base := range []string{testBase, testBase + "/"} {
		t.Run(base, func(t *testing.T) {
			doc, err := s.Landing(base, nil)
			if err != nil {
				t.Fatal(err)
			}
			if doc.MediaType != MediaTypeJSON {
				t.Errorf("Landing media type = %q, want %q", doc.MediaType, MediaTypeJSON)
			}
			lp := doc.Body.(LandingPage)
			want := []Link{
				{Href: testBase, Rel: "self", Type: MediaTypeJSON},
				{Href: testBase + "/api", Rel: "service-desc", Type: MediaTypeOpenAPI},
				{Href: testBase + "/conformance", Rel: "conformance", Type: MediaTypeJSON},
				{Href: testBase + "/collections", Rel: "data", Type: MediaTypeJSON},
			}
			for _, w := range want {
				l := linkOf(lp.Links, w.Rel)
				if l == nil || l.Href != w.Href || l.Type != w.Type || l.Title == "" {
					t.Errorf("Landing link %s = %+v, want href %s, type %s and a title", w.Rel, l, w.Href, w.Type)
				}
			}
			if lp.Title != s.Title {
				t.Errorf("Landing title = %q, want %q", lp.Title, s.Title)
			}
		})
	}
	// GDAL carries the query of the URL it opened (OAPIF:…/ogc?as_of=…) to every request: not an error here.
	if _, err := s.Landing(testBase, query(t, "as_of=2025-03-30&foo=bar")); err != nil {
		t.Errorf("Landing(as_of=…&foo=bar) error = %v, want nil", err)
	}
	if _, err := s.Collections(context.Background(), testBase, query(t, "as_of=2025-03-30")); err != nil {
		t.Errorf("Collections(as_of=…) error = %v, want nil", err)
	}
}

func TestConformance(t *testing.T) {
	doc, err := newTestService(t).Conformance(testBase, query(t, "f=json"))
	if err != nil {
		t.Fatal(err)
	}
	got := doc.Body.(ConformanceDeclaration).ConformsTo
	for _, want := range []string{ConfCore, ConfGeoJSON, ConfOAS30} {
		if !slices.Contains(got, want) {
			t.Errorf("Conformance = %v, want it to hold %s", got, want)
		}
	}
}

func TestCollections(t *testing.T) {
	s := newTestService(t)
	doc, err := s.Collections(context.Background(), testBase, nil)
	if err != nil {
		t.Fatal(err)
	}
	cs := doc.Body.(CollectionsDocument)
	if l := linkOf(cs.Links, "self"); l == nil || l.Href != testBase+"/collections" {
		t.Errorf("Collections self link = %+v", l)
	}
	var ids []string
	for _, c := range cs.Collections {
		ids = append(ids, c.ID)
	}
	if want := []string{"settlements", "claims"}; !slices.Equal(ids, want) {
		t.Fatalf("Collections ids = %v, want %v", ids, want)
	}
	for _, c := range cs.Collections {
		t.Run(c.ID, func(t *testing.T) {
			if !slices.Equal(c.CRS, []string{CRS84}) || c.StorageCRS != CRS84 || c.ItemType != "feature" {
				t.Errorf("crs = %v, storageCrs = %q, itemType = %q", c.CRS, c.StorageCRS, c.ItemType)
			}
			items := linkOf(c.Links, "items")
			if items == nil || items.Href != testBase+"/collections/"+c.ID+"/items" || items.Type != MediaTypeGeoJSON {
				t.Errorf("items link = %+v", items)
			}
			if self := linkOf(c.Links, "self"); self == nil || self.Href != testBase+"/collections/"+c.ID {
				t.Errorf("self link = %+v", self)
			}
			if c.Extent == nil || c.Extent.Spatial == nil || len(c.Extent.Spatial.BBox) != 1 {
				t.Fatalf("extent = %+v, want one spatial bbox", c.Extent)
			}
		})
	}
	settlements, claims := cs.Collections[0], cs.Collections[1]
	if got, want := settlements.Extent.Spatial.BBox[0], []float64{34, 50.2, 37.5, 51.6}; !slices.EqualFunc(got, want, near) {
		t.Errorf("settlements bbox = %v, want %v", got, want)
	}
	if settlements.Extent.Temporal != nil {
		t.Errorf("settlements temporal extent = %+v, want none", settlements.Extent.Temporal)
	}
	ti := claims.Extent.Temporal
	if ti == nil || len(ti.Interval) != 1 || *ti.Interval[0][0] != "2025-01-03T00:00:00Z" ||
		*ti.Interval[0][1] != "2025-04-23T23:59:59Z" || ti.TRS != TRSGregorian {
		t.Errorf("claims temporal extent = %s, want 2025-01-03T00:00:00Z to 2025-04-23T23:59:59Z", mustJSON(t, ti))
	}
	b := mustJSON(t, doc.Body)
	for _, want := range []string{`"storageCrs":"` + CRS84 + `"`, `"crs":["` + CRS84 + `"]`, `"itemType":"feature"`} {
		if !strings.Contains(b, want) {
			t.Errorf("Collections JSON lacks %s", want)
		}
	}
}

// near reports whether two coordinates agree to 1e-9.
func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// mustJSON returns v encoded as JSON.
func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("json.Marshal(%T): %v", v, err)
	}
	return string(b)
}

func TestCollection(t *testing.T) {
	s := newTestService(t)
	doc, err := s.Collection(context.Background(), testBase, "claims", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := doc.Body.(CollectionDocument)
	if c.ID != "claims" || c.Title != "Control claims" || linkOf(c.Links, "items") == nil {
		t.Errorf("Collection(claims) = %+v", c)
	}
}

func TestNotFound(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	calls := []struct {
		name string
		call func() error
	}{
		{"Collection", func() error { _, err := s.Collection(ctx, testBase, "villages", nil); return err }},
		{"Items", func() error { _, err := s.Items(ctx, testBase, "villages", nil); return err }},
		{"Item of unknown collection", func() error { _, err := s.Item(ctx, testBase, "villages", "1", nil); return err }},
		{"Item unknown", func() error { _, err := s.Item(ctx, testBase, "settlements", "58", nil); return err }},
		{"Item by string id", func() error { _, err := s.Item(ctx, testBase, "claims", "c24", nil); return err }},
		{"Item case", func() error { _, err := s.Item(ctx, testBase, "claims", "C01", nil); return err }},
		{"Items, case of the id", func() error { _, err := s.Items(ctx, testBase, "Settlements", nil); return err }},
	}
	for _, tc := range calls {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("%s error = %v, want ErrNotFound", tc.name, err)
			}
			if status, _ := ErrorBody(err); status != http.StatusNotFound {
				t.Errorf("ErrorBody(%v) status = %d, want 404", err, status)
			}
		})
	}
}

func TestItem(t *testing.T) {
	s := newTestService(t)
	tests := []struct{ collection, fid, name string }{
		{"settlements", "17", "Settlement 17"},
		{"claims", "c05", ""},
	}
	for _, tc := range tests {
		t.Run(tc.collection+"/"+tc.fid, func(t *testing.T) {
			doc, err := s.Item(context.Background(), testBase, tc.collection, tc.fid, query(t, "f=geojson"))
			if err != nil {
				t.Fatal(err)
			}
			if doc.MediaType != MediaTypeGeoJSON {
				t.Errorf("media type = %q", doc.MediaType)
			}
			f := doc.Body.(*geojson.Feature)
			if id, _ := idText(f.ID); id != tc.fid {
				t.Errorf("Item(%s) id = %v", tc.fid, f.ID)
			}
			if tc.name != "" && f.Properties["name"] != tc.name {
				t.Errorf("Item(%s) name = %v, want %s", tc.fid, f.Properties["name"], tc.name)
			}
			var decoded struct {
				Type  string `json:"type"`
				Links []Link `json:"links"`
			}
			if err := json.Unmarshal([]byte(mustJSON(t, f)), &decoded); err != nil {
				t.Fatal(err)
			}
			self, coll := linkOf(decoded.Links, "self"), linkOf(decoded.Links, "collection")
			wantSelf := testBase + "/collections/" + tc.collection + "/items/" + tc.fid
			if decoded.Type != "Feature" || self == nil || self.Href != wantSelf || coll == nil ||
				coll.Href != testBase+"/collections/"+tc.collection {
				t.Errorf("Item JSON type %q, links %+v, want self %s and collection", decoded.Type, decoded.Links, wantSelf)
			}
		})
	}
	t.Run("collection's feature untouched", func(t *testing.T) {
		c := s.Published[0]
		before, _ := c.Item(context.Background(), "3")
		if _, err := s.Item(context.Background(), testBase, "settlements", "3", nil); err != nil {
			t.Fatal(err)
		}
		if before.ExtraMembers != nil {
			t.Errorf("the collection's feature got foreign members %v", before.ExtraMembers)
		}
	})
	t.Run("carried parameter ignored", func(t *testing.T) {
		if _, err := s.Item(context.Background(), testBase, "settlements", "3", query(t, "limit=1")); err != nil {
			t.Errorf("Item(limit=1) error = %v, want nil", err)
		}
	})
	t.Run("bad format", func(t *testing.T) {
		_, err := s.Item(context.Background(), testBase, "settlements", "3", query(t, "f=html"))
		wantParamError(t, "Item(f=html)", err, "f")
	})
}

func TestItemsPaging(t *testing.T) {
	s := newTestService(t)
	tests := []struct {
		name, raw         string
		returned, firstID int
		next, prev        string // the query of the link, "" for none
		wantMatched       int
	}{
		// next links carry the cursor: the id of the page's last feature (keyset paging).
		{"default page", "", 10, 1, "cursor=10&limit=10", "", 57},
		{"first of 6", "limit=10", 10, 1, "cursor=10&limit=10", "", 57},
		{"middle", "limit=10&offset=20", 10, 21, "cursor=30&limit=10", "limit=10&offset=10", 57},
		{"second, prev drops offset", "limit=10&offset=10", 10, 11, "cursor=20&limit=10", "limit=10", 57},
		{"last partial", "limit=10&offset=50", 7, 51, "", "limit=10&offset=40", 57},
		{"exactly the end", "limit=7&offset=50", 7, 51, "", "limit=7&offset=43", 57},
		{"one short of the end", "limit=6&offset=50", 6, 51, "cursor=56&limit=6", "limit=6&offset=44", 57},
		{"all in one", "limit=57", 57, 1, "", "", 57},
		{"max limit", "limit=10000", 57, 1, "", "", 57},
		{"above max clamped", "limit=99999999999999999999999", 57, 1, "", "", 57},
		{"past the end", "offset=100", 0, 0, "", "limit=10&offset=90", 57},
		{"prev clamps at 0", "limit=10&offset=3", 10, 4, "cursor=13&limit=10", "limit=10", 57},
		{"cursor", "cursor=10&limit=10", 10, 11, "cursor=20&limit=10", "", 57},
		{"cursor near the end", "cursor=50&limit=10", 7, 51, "", "", 57},
		{"unknown cursor", "cursor=nope", 0, 0, "", "", 0},
		{"filters carried", "bbox=33,50,36.1,51.7&limit=5&f=json", 5, 1,
			"bbox=33%2C50%2C36.1%2C51.7&cursor=5&f=json&limit=5", "", 36}, // 7 rows of 5 and the lone 57th
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fc := items(t, s, "settlements", tc.raw)
			if fc.Type != "FeatureCollection" {
				t.Errorf("type = %q", fc.Type)
			}
			if matchedOf(fc) != tc.wantMatched || fc.NumberReturned != tc.returned || len(fc.Features) != tc.returned {
				t.Errorf("Items(%q) numberMatched %d, numberReturned %d, %d features; want %d, %d", tc.raw,
					matchedOf(fc), fc.NumberReturned, len(fc.Features), tc.wantMatched, tc.returned)
			}
			if tc.returned > 0 && fc.Features[0].ID != tc.firstID {
				t.Errorf("Items(%q) first id = %v, want %d", tc.raw, fc.Features[0].ID, tc.firstID)
			}
			if fc.TimeStamp != "2025-04-01T12:00:00Z" {
				t.Errorf("timeStamp = %q", fc.TimeStamp)
			}
			self := linkOf(fc.Links, "self")
			wantSelf := testBase + "/collections/settlements/items"
			if v := query(t, tc.raw).Encode(); v != "" {
				wantSelf += "?" + v
			}
			if self == nil || self.Href != wantSelf || self.Type != MediaTypeGeoJSON {
				t.Errorf("self = %+v, want %s", self, wantSelf)
			}
			if c := linkOf(fc.Links, "collection"); c == nil || c.Href != testBase+"/collections/settlements" {
				t.Errorf("collection link = %+v", c)
			}
			checkPageLink(t, fc.Links, "next", tc.next)
			checkPageLink(t, fc.Links, "prev", tc.prev)
		})
	}
}

// checkPageLink checks that the link rel is absent when wantQuery is "", and otherwise links to the items with
// that query.
func checkPageLink(tb testing.TB, links []Link, rel, wantQuery string) {
	tb.Helper()
	l := linkOf(links, rel)
	switch {
	case wantQuery == "" && l != nil:
		tb.Errorf("%s link = %s, want none", rel, l.Href)
	case wantQuery != "" && l == nil:
		tb.Errorf("no %s link, want one with %s", rel, wantQuery)
	case wantQuery != "":
		want := testBase + "/collections/settlements/items?" + wantQuery
		if l.Href != want || l.Type != MediaTypeGeoJSON || l.Title == "" {
			tb.Errorf("%s link = %+v, want href %s", rel, l, want)
		}
	}
}

// TestItemsWalk follows the next links from the first page and checks every feature comes once, in order.
func TestItemsWalk(t *testing.T) {
	s := newTestService(t)
	for _, limit := range []int{1, 7, 10, 56, 57, 58} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			raw := fmt.Sprintf("limit=%d", limit)
			var ids []any
			for pages := 0; ; pages++ {
				if pages > numSettlements {
					t.Fatal("next links do not end")
				}
				fc := items(t, s, "settlements", raw)
				for _, f := range fc.Features {
					ids = append(ids, f.ID)
				}
				next := linkOf(fc.Links, "next")
				if next == nil {
					break
				}
				u, err := url.Parse(next.Href)
				if err != nil {
					t.Fatal(err)
				}
				raw = u.RawQuery
			}
			if len(ids) != numSettlements {
				t.Fatalf("walked %d features, want %d", len(ids), numSettlements)
			}
			for i, id := range ids {
				if id != i+1 {
					t.Fatalf("feature %d has id %v, want %d", i, id, i+1)
				}
			}
		})
	}
}

func TestItemsFilters(t *testing.T) {
	s := newTestService(t)
	inBox := func(b orb.Bound) int {
		n := 0
		for i := range numSettlements {
			if b.Contains(settlementPoint(i)) {
				n++
			}
		}
		return n
	}
	claimsBetween := func(from, to string) int {
		n := 0
		for i := range numClaims {
			d := claimDate(i).Format(dateLayout)
			if d >= from && d <= to {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name, collection, raw string
		want                  int
	}{
		{"bbox", "settlements", "bbox=35.2,50.3,36.6,51.0",
			inBox(orb.Bound{Min: orb.Point{35.2, 50.3}, Max: orb.Point{36.6, 51.0}})},
		{"bbox on points' edge", "settlements", "bbox=34,50.2,34,50.2", 1},
		{"bbox empty region", "settlements", "bbox=10,10,11,11", 0},
		{"bbox six numbers", "settlements", "bbox=35.2,50.3,0,36.6,51.0,10",
			inBox(orb.Bound{Min: orb.Point{35.2, 50.3}, Max: orb.Point{36.6, 51.0}})},
		{"datetime date", "claims", "datetime=2025-01-08", 1},
		{"datetime instant at midnight", "claims", "datetime=2025-01-08T00:00:00Z", 1},
		{"datetime instant in the day", "claims", "datetime=2025-01-08T15:00:00Z", 1},
		{"datetime instant in another zone", "claims", "datetime=2025-01-08T01:00:00%2B03:00", 0},
		{"datetime day with no claim", "claims", "datetime=2025-01-09", 0},
		{"datetime February", "claims", "datetime=2025-02-01/2025-02-28", claimsBetween("2025-02-01", "2025-02-28")},
		{"datetime from March", "claims", "datetime=2025-03-01/..", claimsBetween("2025-03-01", "9999-12-31")},
		{"datetime until January", "claims", "datetime=/2025-01-31", claimsBetween("0000-01-01", "2025-01-31")},
		{"holder", "claims", "holder=ua", 8},
		{"holder and datetime", "claims", "holder=ru&datetime=2025-01-01/2025-01-31", 2}, // Jan 3 and 18
		{"everything", "claims", "holder=contested&datetime=2025-01-01/..&bbox=30,50,40,52", 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fc := items(t, s, tc.collection, tc.raw+"&limit=100")
			if matchedOf(fc) != tc.want || fc.NumberReturned != tc.want {
				t.Errorf("Items(%s, %q) numberMatched %d, numberReturned %d, want %d", tc.collection, tc.raw,
					matchedOf(fc), fc.NumberReturned, tc.want)
			}
		})
	}
}

func TestItemsRejects(t *testing.T) {
	s := newTestService(t)
	tests := []struct{ name, collection, raw, param string }{
		{"unknown parameter", "settlements", "foo=bar", "foo"},
		{"datetime on a collection without time", "settlements", "datetime=2025-03-28", "datetime"},
		{"filter of another collection", "settlements", "holder=ua", "holder"},
		{"limit negative", "claims", "limit=-1", "limit"},
		{"cursor empty", "claims", "cursor=", "cursor"},
		{"limit 0", "claims", "limit=0", "limit"},
		{"bad bbox", "claims", "bbox=0,0,1", "bbox"},
		{"bad datetime", "claims", "datetime=../..", "datetime"},
		{"bad offset", "claims", "offset=-1", "offset"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Items(context.Background(), testBase, tc.collection, query(t, tc.raw))
			wantParamError(t, fmt.Sprintf("Items(%s, %q)", tc.collection, tc.raw), err, tc.param)
			if status, body := ErrorBody(err); status != http.StatusBadRequest || body["code"] != CodeInvalidParameter {
				t.Errorf("ErrorBody(%v) = %d, %v, want 400 %s", err, status, body, CodeInvalidParameter)
			}
		})
	}
}

func TestServiceLimits(t *testing.T) {
	s := newTestService(t)
	s.DefaultLimit, s.MaxLimit = 5, 20
	if fc := items(t, s, "settlements", ""); fc.NumberReturned != 5 {
		t.Errorf("default page = %d features, want 5", fc.NumberReturned)
	}
	if fc := items(t, s, "settlements", "limit=20"); fc.NumberReturned != 20 {
		t.Errorf("limit=20 page = %d features, want 20", fc.NumberReturned)
	}
	// OGC 17-069r4 /req/core/fc-limit-response-1: a limit above the maximum is served as the maximum.
	if fc := items(t, s, "settlements", "limit=21"); fc.NumberReturned != 20 {
		t.Errorf("limit=21 page with MaxLimit 20 = %d features, want 20", fc.NumberReturned)
	}
}

// failing is a Collection whose every call fails with err.
type failing struct{ err error }

func (failing) Info() CollectionInfo { return CollectionInfo{ID: "broken"} }
func (c failing) Extent(context.Context) (Extent, error) {
	return Extent{}, c.err
}
func (c failing) Items(context.Context, Query) ([]*geojson.Feature, int, error) { return nil, 0, c.err }
func (c failing) Item(context.Context, string) (*geojson.Feature, error)        { return nil, c.err }

func TestCollectionErrors(t *testing.T) {
	secret := errors.New("sqlite: disk I/O error at /var/lib/tiled/tiled.db")
	s := &Service{Published: []Collection{failing{secret}}}
	ctx := context.Background()
	calls := map[string]func() error{
		"Collections": func() error { _, err := s.Collections(ctx, testBase, nil); return err },
		"Collection":  func() error { _, err := s.Collection(ctx, testBase, "broken", nil); return err },
		"Items":       func() error { _, err := s.Items(ctx, testBase, "broken", nil); return err },
		"Item":        func() error { _, err := s.Item(ctx, testBase, "broken", "1", nil); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			if !errors.Is(err, secret) {
				t.Fatalf("%s error = %v, want it to wrap the collection's", name, err)
			}
			status, body := ErrorBody(err)
			if status != http.StatusInternalServerError || strings.Contains(fmt.Sprint(body), "sqlite") {
				t.Errorf("ErrorBody(%v) = %d, %v, want a 500 that does not tell", err, status, body)
			}
		})
	}
}

func TestErrorBody(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantCode   string
	}{
		{"param", &ParamError{Param: "limit", Value: "0", Msg: "want 1..10000"}, 400, CodeInvalidParameter},
		{"wrapped param", fmt.Errorf("ogc: items: %w", &ParamError{Param: "bbox"}), 400, CodeInvalidParameter},
		{"bad request", fmt.Errorf("%w: something", ErrBadRequest), 400, CodeInvalidParameter},
		{"not found", fmt.Errorf("%w: no collection %q", ErrNotFound, "x"), 404, CodeNotFound},
		{"other", errors.New("boom"), 500, CodeServerError},
		{"canceled", context.Canceled, 500, CodeServerError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := ErrorBody(tc.err)
			if status != tc.wantStatus || body["code"] != tc.wantCode {
				t.Errorf("ErrorBody(%v) = %d, %v, want %d %s", tc.err, status, body, tc.wantStatus, tc.wantCode)
			}
			if d, ok := body["description"].(string); !ok || d == "" {
				t.Errorf("ErrorBody(%v) description = %v, want text", tc.err, body["description"])
			}
		})
	}
	_, body := ErrorBody(&ParamError{Param: "limit", Value: "0", Msg: "want 1..10000"})
	if body["parameter"] != "limit" || !strings.Contains(body["description"].(string), `limit="0"`) {
		t.Errorf("ErrorBody(limit) = %v, want it to name the parameter and value", body)
	}
}

func TestValidate(t *testing.T) {
	mem := func(info CollectionInfo) Collection {
		c, err := NewMemoryCollection(info, nil)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ok := mem(CollectionInfo{ID: "a"})
	tests := []struct {
		name    string
		s       Service
		wantErr bool
	}{
		{"defaults", Service{Published: []Collection{ok}}, false},
		{"no collections", Service{}, false},
		{"limits", Service{DefaultLimit: 50, MaxLimit: 50}, false},
		{"default above max", Service{DefaultLimit: 100, MaxLimit: 50}, true},
		{"negative max", Service{MaxLimit: -1}, true},
		{"negative default", Service{DefaultLimit: -1}, true},
		{"nil collection", Service{Published: []Collection{nil}}, true},
		{"duplicate id", Service{Published: []Collection{ok, mem(CollectionInfo{ID: "a"})}}, true},
		{"empty id", Service{Published: []Collection{mem(CollectionInfo{})}}, true},
		{"id with slash", Service{Published: []Collection{mem(CollectionInfo{ID: "a/b"})}}, true},
		{"id with space", Service{Published: []Collection{mem(CollectionInfo{ID: "a b"})}}, true},
		{"id dots", Service{Published: []Collection{mem(CollectionInfo{ID: ".."})}}, true},
		{"filter reserved", Service{Published: []Collection{mem(CollectionInfo{ID: "a", Filters: []Filter{{Name: "limit"}}})}}, true},
		{"filter twice", Service{Published: []Collection{mem(CollectionInfo{ID: "a", Filters: []Filter{{Name: "x"}, {Name: "x"}}})}}, true},
		{"filter bad name", Service{Published: []Collection{mem(CollectionInfo{ID: "a", Filters: []Filter{{Name: "x&y"}}})}}, true},
		{"filter ok", Service{Published: []Collection{mem(CollectionInfo{ID: "a", Filters: []Filter{{Name: "holder"}}})}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			if (err != nil) != tc.wantErr {
				t.Fatalf("Validate() = %v, want error %v", err, tc.wantErr)
			}
			if err != nil && !errors.Is(err, ErrInvalidService) {
				t.Errorf("Validate() = %v, want ErrInvalidService", err)
			}
		})
	}
}

// TestItemsJSON checks the encoded feature collection has the members the standard names.
func TestItemsJSON(t *testing.T) {
	s := newTestService(t)
	doc, err := s.Items(context.Background(), testBase, "settlements", query(t, "bbox=10,10,11,11"))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(mustJSON(t, doc.Body)), &got); err != nil {
		t.Fatal(err)
	}
	for _, member := range []string{"type", "features", "links", "numberMatched", "numberReturned", "timeStamp"} {
		if _, ok := got[member]; !ok {
			t.Errorf("feature collection JSON lacks %q: %v", member, got)
		}
	}
	if fs, ok := got["features"].([]any); !ok || len(fs) != 0 {
		t.Errorf("features = %v, want []", got["features"])
	}
}

// miscounting is a Collection that claims matches but returns none, and more features than the limit when asked
// for offset 1.
type miscounting struct{}

func (miscounting) Info() CollectionInfo                   { return CollectionInfo{ID: "odd"} }
func (miscounting) Extent(context.Context) (Extent, error) { return Extent{}, nil }
func (miscounting) Item(context.Context, string) (*geojson.Feature, error) {
	return nil, nil
}
func (miscounting) Items(_ context.Context, q Query) ([]*geojson.Feature, int, error) {
	if q.Offset == 1 {
		return testSettlements(), 100, nil
	}
	return nil, 100, nil
}

// TestItemsDefensive checks what the service does with a collection that breaks its contract.
func TestItemsDefensive(t *testing.T) {
	s := &Service{Published: []Collection{miscounting{}}}
	fc := items(t, s, "odd", "")
	if fc.NumberReturned != 0 || fc.Features == nil || linkOf(fc.Links, "next") != nil {
		t.Errorf("empty page: %d returned, features %v, next %v; want 0, [], none", fc.NumberReturned, fc.Features,
			linkOf(fc.Links, "next"))
	}
	if fc := items(t, s, "odd", "offset=1&limit=5"); fc.NumberReturned != 5 || len(fc.Features) != 5 {
		t.Errorf("oversized page: %d returned, want the limit 5", fc.NumberReturned)
	}
	if _, err := s.Item(context.Background(), testBase, "odd", "1", nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("Item returning nil, nil: error %v, want ErrNotFound", err)
	}
}
