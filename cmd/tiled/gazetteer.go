package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/paulmach/orb"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/store"
)

func gazetteerCommands() []command {
	return []command{
		{"import", "import [--format F] [--admin1 F] [--admin2 F] [--alternate-names F] FILE",
			"import places from GeoJSON or a GeoNames dump (one transaction)", cmdImport},
		{"seed", "seed", "load the embedded seed data into an empty store", cmdSeed},
		{"geocode", "geocode [--context TEXT] [--near LAT,LON] [--within-km N] [--json] NAME",
			"rank the places a name may denote", cmdGeocode},
		{"reverse", "reverse [--json] [-n N] LAT LON", "list the settlements nearest a point", cmdReverse},
		{"place", "place [--json] ID", "show one place with all its names", cmdPlace},
	}
}

// openDB opens the store every command works on: a postgres:// URL opens PostgreSQL, anything else is the path of
// a SQLite/GeoPackage file.
func openDB(ctx context.Context, location string) (*store.Store, error) {
	return store.Open(ctx, location)
}

func cmdSeed(ctx context.Context, e env, args []string) error {
	var dbPath string
	fs := newFlags(e, "seed", "seed [--db PATH]", &dbPath)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	loaded, err := seed.Load(ctx, db)
	if err != nil {
		return err
	}
	if !loaded {
		fmt.Fprintf(e.stdout, "%s already holds places; seed data not loaded\n", db.Location())
		return nil
	}
	n, err := db.Gazetteer().CountPlaces(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "loaded the seed data into %s: %d places\n", db.Location(), n)
	return nil
}

func cmdImport(ctx context.Context, e env, args []string) error {
	var dbPath, format, admin1, admin2, alt, classes string
	prepare := true
	fs := newFlags(e, "import", "import [--db PATH] [--format geojson|geonames] [--admin1 FILE] [--admin2 FILE] [--alternate-names FILE] [--feature-classes P] [--index=false] FILE", &dbPath)
	fs.BoolVar(&prepare, "index", true, "after the import, store the map's compact indexes so that the server's next start is quick")
	fs.StringVar(&format, "format", "", "geojson or geonames (default: from the file name)")
	fs.StringVar(&admin1, "admin1", "", "GeoNames admin1CodesASCII.txt, for oblast names")
	fs.StringVar(&admin2, "admin2", "", "GeoNames admin2Codes.txt, for district names")
	fs.StringVar(&alt, "alternate-names", "", "GeoNames alternateNamesV2.txt, for names in Russian, Ukrainian, …")
	fs.StringVar(&classes, "feature-classes", "P", "GeoNames feature classes to import (P: populated places)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("import takes one FILE, got %d arguments", len(pos))
	}
	file := pos[0]
	if format == "" {
		switch strings.ToLower(filepath.Ext(file)) {
		case ".geojson", ".json":
			format = "geojson"
		case ".txt", ".tsv":
			format = "geonames"
		default:
			return usagef("cannot tell the format of %s: pass --format geojson or --format geonames", file)
		}
	}
	if format != "geojson" && format != "geonames" {
		return usagef("unknown --format %q (geojson or geonames)", format)
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	db, err := openDB(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	im := gazetteer.Importer{Store: db.Gazetteer()}
	pr := newProgress(f, e.stderr, "importing "+filepath.Base(file), size)
	start := time.Now()
	var st gazetteer.ImportStats
	if format == "geojson" {
		st, err = im.GeoJSON(ctx, pr, file)
	} else {
		opt := gazetteer.GeoNamesOptions{FeatureClasses: classes, Admin: gazetteer.GeoNamesAdmin{}, AltNames: gazetteer.GeoNamesAltNames{}}
		for _, a := range []string{admin1, admin2} {
			if a != "" {
				if err := readSide(a, func(r io.Reader) error { return gazetteer.ReadGeoNamesAdmin(r, a, opt.Admin) }); err != nil {
					return err
				}
			}
		}
		if alt != "" {
			if err := readSide(alt, func(r io.Reader) error { return gazetteer.ReadGeoNamesAltNames(r, alt, opt.AltNames) }); err != nil {
				return err
			}
		}
		st, err = im.GeoNames(ctx, gazetteer.GeoNamesInput{Main: pr, MainName: file, Options: opt})
	}
	pr.finish()
	if err != nil {
		if errors.Is(err, gazetteer.ErrInvalid) {
			return fmt.Errorf("%w (nothing was imported)", err)
		}
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(e.stdout, "imported %d places from %s into %s in %.1fs (%.0f/s): %d new, %d updated, %d approximate locations replaced\n",
		st.Read, file, dbPath, el.Seconds(), float64(st.Read)/el.Seconds(), st.Inserted, st.Updated, st.Located)
	if prepare {
		prepareIndexes(ctx, e, db, true, false)
	}
	return nil
}

func readSide(path string, fn func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return fn(f)
}

func cmdGeocode(ctx context.Context, e env, args []string) error {
	var dbPath, context_, near string
	var within float64
	var asJSON bool
	var limit int
	fs := newFlags(e, "geocode", "geocode [--db PATH] [--context TEXT] [--near LAT,LON] [--within-km N] [--json] NAME", &dbPath)
	fs.StringVar(&context_, "context", "", "oblast, district, country or nearby places, e.g. \"Krasnoyaruzhsky district, near Demidovka\"")
	fs.StringVar(&near, "near", "", "a point of interest LAT,LON")
	fs.Float64Var(&within, "within-km", 0, "drop candidates farther than N km from --near (or from the context places)")
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	fs.IntVar(&limit, "n", 10, "at most N candidates")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("geocode needs a NAME")
	}
	q := gazetteer.Query{Name: strings.Join(pos, " "), Context: context_, WithinKM: within, Limit: limit}
	if near != "" {
		p, err := parseLatLon(near)
		if err != nil {
			return usagef("--near: %v", err)
		}
		q.Near = &p
	}
	db, err := openDB(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := gazetteer.Geocoder{Store: db.Gazetteer()}.Geocode(ctx, q)
	if err != nil {
		if errors.Is(err, gazetteer.ErrQuery) {
			return usageError{err.Error()}
		}
		return err
	}
	if asJSON { // the same contract as GET /api/geocode
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(atlas.NewGeocodeResult(res))
	}
	if len(res.Candidates) == 0 {
		fmt.Fprintf(e.stdout, "no place matches %q\n", res.Query)
		return nil
	}
	if res.Ambiguous {
		fmt.Fprintf(e.stdout, "%q is ambiguous: the best candidates are close; add --context (oblast, district, a nearby place) or --near\n", res.Query)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCORE\tID\tNAME\tLAT\tLON\tDISTRICT\tOBLAST\tCOUNTRY\tREASONS")
	for _, c := range res.Candidates {
		name := c.Place.Name
		if c.Place.Approximate {
			name += fmt.Sprintf(" (approx. ±%g km)", c.Place.PrecisionKM)
		}
		fmt.Fprintf(tw, "%.3f\t%s\t%s\t%.5f\t%.5f\t%s\t%s\t%s\t%s\n", c.Score, c.Place.ID, name, c.Place.Point.Lat(),
			c.Place.Point.Lon(), c.Place.Admin2, c.Place.Admin1, c.Place.Country, strings.Join(c.Reasons, "; "))
	}
	return tw.Flush()
}

func parseLatLon(s string) (orb.Point, error) {
	a, b, ok := strings.Cut(s, ",")
	if !ok {
		return orb.Point{}, fmt.Errorf("want LAT,LON, got %q", s)
	}
	return parseLatLonPair(a, b)
}

func parseLatLonPair(a, b string) (orb.Point, error) {
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if err1 != nil || err2 != nil {
		return orb.Point{}, fmt.Errorf("latitude and longitude must be numbers, got %q and %q", a, b)
	}
	if lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return orb.Point{}, fmt.Errorf("latitude %g or longitude %g out of range", lat, lon)
	}
	return orb.Point{lon, lat}, nil
}

func cmdReverse(ctx context.Context, e env, args []string) error {
	var dbPath string
	var asJSON bool
	var n int
	fs := newFlags(e, "reverse", "reverse [--db PATH] [--json] [-n N] LAT LON", &dbPath)
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	fs.IntVar(&n, "n", 5, "how many settlements")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 1 && strings.Contains(pos[0], ",") {
		pos = strings.SplitN(pos[0], ",", 2)
	}
	if len(pos) != 2 {
		return usagef("reverse takes LAT LON")
	}
	p, err := parseLatLonPair(pos[0], pos[1])
	if err != nil {
		return usageError{err.Error()}
	}
	db, err := openDB(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	near, err := gazetteer.Geocoder{Store: db.Gazetteer()}.Reverse(ctx, p, n)
	if err != nil {
		return err
	}
	if asJSON {
		out := []atlas.GeocodeMatch{}
		for _, nb := range near {
			m := atlas.NewGeocodeResult(gazetteer.Result{Candidates: []gazetteer.Candidate{{Place: nb.Place, DistanceKM: nb.DistanceKM}}}).Candidates[0]
			out = append(out, m)
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KM\tID\tNAME\tLAT\tLON\tDISTRICT\tOBLAST\tCOUNTRY")
	for _, nb := range near {
		fmt.Fprintf(tw, "%.1f\t%s\t%s\t%.5f\t%.5f\t%s\t%s\t%s\n", nb.DistanceKM, nb.Place.ID, nb.Place.Name,
			nb.Place.Point.Lat(), nb.Place.Point.Lon(), nb.Place.Admin2, nb.Place.Admin1, nb.Place.Country)
	}
	return tw.Flush()
}

func cmdPlace(ctx context.Context, e env, args []string) error {
	var dbPath string
	var asJSON bool
	fs := newFlags(e, "place", "place [--db PATH] [--json] ID", &dbPath)
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("place takes one ID")
	}
	db, err := openDB(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := db.Gazetteer().Place(ctx, pos[0])
	if err != nil {
		return err
	}
	if asJSON {
		out := struct {
			gazetteer.Place
			Lat float64 `json:"lat"`
			Lon float64 `json:"lon"`
		}{p, p.Point.Lat(), p.Point.Lon()}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(e.stdout, "%s  %s\n", p.ID, p.Name)
	loc := fmt.Sprintf("%.5f, %.5f (±%g km, %s)", p.Point.Lat(), p.Point.Lon(), p.PrecisionKM, p.LocationMethod)
	if p.Approximate {
		loc += " APPROXIMATE"
	}
	for _, kv := range [][2]string{{"location", loc}, {"location source", p.LocationSource}, {"note", p.LocationNote},
		{"country", p.Country}, {"oblast", strings.TrimSpace(p.Admin1 + " " + p.Admin1Code)},
		{"district", strings.TrimSpace(p.Admin2 + " " + p.Admin2Code)}, {"feature code", p.FeatureCode},
		{"type", p.PlaceType}, {"source", p.Source}, {"confidence", p.Confidence}} {
		if kv[1] != "" {
			fmt.Fprintf(e.stdout, "  %-16s %s\n", kv[0]+":", kv[1])
		}
	}
	if p.Population > 0 {
		fmt.Fprintf(e.stdout, "  %-16s %d (%d)\n", "population:", p.Population, p.PopulationYear)
	}
	for _, n := range p.Names {
		fmt.Fprintf(e.stdout, "  name [%s %s] %s\n", n.Kind, n.Lang, n.Name)
	}
	return nil
}
