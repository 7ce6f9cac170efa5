package ogc

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// testBase is the base URL the unit tests serve under.
const testBase = "http://127.0.0.1:8080/ogc"

// testNow is the clock of the test service.
func testNow() time.Time { return time.Date(2025, 4, 1, 12, 0, 0, 0, time.UTC) }

// Sizes of the test collections.
const (
	numSettlements = 57
	numClaims      = 23
)

// settlementPoint returns the position of test settlement i (0-based): a 8-column grid over the
// Belgorod/Kursk–Sumy border belt, 34.0..37.5°E, 50.2..51.6°N.
func settlementPoint(i int) orb.Point {
	return orb.Point{34.0 + float64(i%8)*0.5, 50.2 + float64(i/8)*0.2}
}

// claimDate returns the date of test claim i (0-based): every 5 days from 2025-01-03.
func claimDate(i int) time.Time { return time.Date(2025, 1, 3+5*i, 0, 0, 0, 0, time.UTC) }

// claimHolder returns the side test claim i says holds the village.
func claimHolder(i int) string { return []string{"ru", "ua", "contested"}[i%3] }

// testSettlements returns the features of the "settlements" test collection: points with integer ids 1..57.
func testSettlements() []*geojson.Feature {
	oblasts := []string{"Belgorod", "Kursk", "Sumy"}
	fs := make([]*geojson.Feature, numSettlements)
	for i := range fs {
		f := geojson.NewFeature(settlementPoint(i))
		f.ID = i + 1
		f.Properties["name"] = fmt.Sprintf("Settlement %02d", i+1)
		f.Properties["oblast"] = oblasts[i%len(oblasts)]
		f.Properties["population"] = 100 * (i + 1)
		fs[i] = f
	}
	return fs
}

// testClaims returns the features of the "claims" test collection: points at settlements with string ids c01..c23,
// a date claimed_on and a holder.
func testClaims() []*geojson.Feature {
	fs := make([]*geojson.Feature, numClaims)
	for i := range fs {
		f := geojson.NewFeature(settlementPoint(2 * i))
		f.ID = fmt.Sprintf("c%02d", i+1)
		f.Properties["settlement"] = 2*i + 1
		f.Properties["claimed_on"] = claimDate(i).Format(dateLayout)
		f.Properties["holder"] = claimHolder(i)
		f.Properties["source"] = fmt.Sprintf("source %d", i%4)
		fs[i] = f
	}
	return fs
}

// settlementsInfo and claimsInfo describe the test collections.
func settlementsInfo() CollectionInfo {
	return CollectionInfo{ID: "settlements", Title: "Settlements", Description: "Villages of the border belt"}
}

func claimsInfo() CollectionInfo {
	return CollectionInfo{
		ID:                  "claims",
		Title:               "Control claims",
		Description:         "Who a source said held each village, and when",
		TemporalProperty:    "claimed_on",
		TemporalDescription: "the date the source made the claim",
		Filters: []Filter{{
			Name:        "holder",
			Description: "The side the source said held the village.",
			Enum:        []string{"ru", "ua", "contested"},
		}},
	}
}

// newTestService returns a service over the two test collections, stamped at testNow.
func newTestService(tb testing.TB) *Service {
	tb.Helper()
	settlements, err := NewMemoryCollection(settlementsInfo(), testSettlements())
	if err != nil {
		tb.Fatal(err)
	}
	claims, err := NewMemoryCollection(claimsInfo(), testClaims())
	if err != nil {
		tb.Fatal(err)
	}
	s := &Service{
		Title:       "tiled test",
		Description: "Test collections",
		Published:   []Collection{settlements, claims},
		Now:         testNow,
		// Pages of 10 as GDAL asks for them, so that the 57 test features make several pages.
		DefaultLimit: 10,
	}
	if err := s.Validate(); err != nil {
		tb.Fatal(err)
	}
	return s
}

// query parses a raw query string, failing the test on a malformed one.
func query(tb testing.TB, raw string) url.Values {
	tb.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		tb.Fatalf("ParseQuery(%q): %v", raw, err)
	}
	return v
}

// items runs Service.Items and returns the feature collection, failing the test on an error.
func items(tb testing.TB, s *Service, id, raw string) *FeatureCollection {
	tb.Helper()
	doc, err := s.Items(context.Background(), testBase, id, query(tb, raw))
	if err != nil {
		tb.Fatalf("Items(%s, %q) error = %v", id, raw, err)
	}
	if doc.MediaType != MediaTypeGeoJSON {
		tb.Errorf("Items(%s, %q) media type = %q, want %q", id, raw, doc.MediaType, MediaTypeGeoJSON)
	}
	return doc.Body.(*FeatureCollection)
}

// linkOf returns the first link with rel, or nil.
func linkOf(links []Link, rel string) *Link {
	for i := range links {
		if links[i].Rel == rel {
			return &links[i]
		}
	}
	return nil
}

// timePtr returns a pointer to the time parsed from RFC 3339 text, failing the test on bad text.
func timePtr(tb testing.TB, s string) *time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		tb.Fatal(err)
	}
	return &t
}

// matchedOf returns a page's numberMatched, -1 when it is left out.
func matchedOf(fc *FeatureCollection) int {
	if fc.NumberMatched == nil {
		return -1
	}
	return *fc.NumberMatched
}
