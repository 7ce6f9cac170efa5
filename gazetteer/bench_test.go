package gazetteer_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/sqlite"
)

// cities1000 is GeoNames cities1000.txt, fetched by "make bench-data"; benchmarks that need it skip without it.
const cities1000 = "../testdata/bench/cities1000.txt"

func readCities(b *testing.B) []byte {
	b.Helper()
	data, err := os.ReadFile(cities1000)
	if err != nil {
		b.Skipf("no %s (run make bench-data): %v", cities1000, err)
	}
	return data
}

// BenchmarkImportCities1000 imports the whole of cities1000 into a new store per iteration and reports rows/s.
func BenchmarkImportCities1000(b *testing.B) {
	data := readCities(b)
	rows := bytes.Count(data, []byte("\n"))
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		db := testdb.Open(b)
		b.StartTimer()
		start := time.Now()
		if _, err := (gazetteer.Importer{Store: db.Gazetteer()}).GeoNames(context.Background(),
			gazetteer.GeoNamesInput{Main: bytes.NewReader(data), MainName: "cities1000.txt"}); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(rows*b.N)/total.Seconds(), "rows/s")
}

// largeStore returns a store with the seed data and cities1000, built once per benchmark.
func largeStore(b *testing.B) *sqlite.DB {
	b.Helper()
	data := readCities(b)
	db := testdb.Places(b)
	if _, err := (gazetteer.Importer{Store: db.Gazetteer()}).GeoNames(context.Background(),
		gazetteer.GeoNamesInput{Main: bytes.NewReader(data), MainName: "cities1000.txt"}); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkGeocodeLargeStore geocodes a mix of real queries (front-line villages with and without context, big
// cities, inflected Russian) over the ~135k-place store and reports the median and p99 latency.
func BenchmarkGeocodeLargeStore(b *testing.B) {
	db := largeStore(b)
	g := gazetteer.Geocoder{Store: db.Gazetteer()}
	queries := []gazetteer.Query{
		{Name: "Popovka", Context: "Krasnoyaruzhsky district"},
		{Name: "Prilesye"},
		{Name: "в Поповке", Context: "near Demidovka"},
		{Name: "Sudzha"},
		{Name: "под Суджей"},
		{Name: "Hoholivka"},
		{Name: "Moscow"},
		{Name: "Kyiv"},
		{Name: "Alexandrovka", Context: "Kursk Oblast"},
		{Name: "Mykolaivka", Near: &orb.Point{35.0, 50.9}, WithinKM: 100},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var lat []time.Duration
	ctx := context.Background()
	for b.Loop() {
		q := queries[rng.IntN(len(queries))]
		start := time.Now()
		if _, err := g.Geocode(ctx, q); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
