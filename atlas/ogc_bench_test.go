package atlas_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/ogc"
)

// BenchmarkOGCPages walks /collections/settlements/items of the large store (cities1000 and the seed, about 135,000
// settlements, 3,000 with 3 claims each) the way GDAL does by default: pages of 10, each from the previous page's next
// link. One iteration is one page; the walk starts again at the first page after 200 pages, so the figure mixes the
// first page (which counts the matches) with 199 that follow a next link.
func BenchmarkOGCPages(b *testing.B) {
	a := newAtlas(testdb.Large(b, "..", 3000, 3), 0)
	s := a.OGC()
	ctx := context.Background()
	const base = "http://localhost/ogc"
	for _, tc := range []struct{ name, first string }{
		{"all", "limit=10"},
		{"bbox", "limit=10&bbox=30,45,45,56"},
		{"status", "limit=10&status=ru"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			first, _ := url.ParseQuery(tc.first)
			q, pages := first, 0
			if _, err := s.Items(ctx, base, "settlements", q); err != nil { // load the indexes outside the timing
				b.Fatal(err)
			}
			var lat []time.Duration
			for b.Loop() {
				start := time.Now()
				d, err := s.Items(ctx, base, "settlements", q)
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
				pages++
				q = first
				if pages%200 != 0 {
					for _, l := range d.Body.(*ogc.FeatureCollection).Links {
						if l.Rel == "next" {
							u, _ := url.Parse(l.Href)
							q = u.Query()
						}
					}
				}
			}
			report(b, lat)
		})
	}
}
