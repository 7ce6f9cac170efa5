package gazetteer_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
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

// places1m is cities1000 plus jittered copies with new ids, 1,000,000 rows, made by "make bench-data-places".
const places1m = "../testdata/bench/places1m.txt"

// BenchmarkImportPlaces1M streams the 1M-row file from disk into a new store (one import, one transaction) and
// reports rows/s; run it with -benchtime 1x. The process's peak RSS (VmHWM) is reported too, as "peak-MB": run the
// benchmark alone in its process (-run '^$' -bench ImportPlaces1M) for it to mean the import's.
func BenchmarkImportPlaces1M(b *testing.B) {
	if _, err := os.Stat(places1m); err != nil {
		b.Skipf("no %s (run make bench-data-places): %v", places1m, err)
	}
	var total time.Duration
	rows := 0
	for b.Loop() {
		b.StopTimer()
		db := testdb.Open(b)
		f, err := os.Open(places1m)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		st, err := (gazetteer.Importer{Store: db.Gazetteer()}).GeoNames(context.Background(),
			gazetteer.GeoNamesInput{Main: f, MainName: "places1m.txt"})
		if err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		rows += st.Read
		b.StopTimer()
		f.Close()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)/total.Seconds(), "rows/s")
	if mb, ok := peakRSSMB(); ok {
		b.ReportMetric(mb, "peak-MB")
	}
}

// peakRSSMB returns the process's peak resident set size (VmHWM) in MB, where /proc has it.
func peakRSSMB() (float64, bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%f kB", &kb); err == nil {
				return kb / 1024, true
			}
		}
	}
	return 0, false
}
