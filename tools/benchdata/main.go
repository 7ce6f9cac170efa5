// Command benchdata writes the synthetic data sets the scale benchmarks run on (BENCHMARKS.md). It is run by the
// Makefile's bench-data-* targets; nothing in it is read by tiled itself.
//
//	benchdata places -n 1000000 -o places1m.txt cities1000.txt
//	benchdata claims -n 1000000 -o claims1m.csv cities1000.txt
//
// claims writes synthetic claims in data/claims.csv's columns about the places of a GeoNames file (see Claims).
//
// places writes a GeoNames main dump (19 tab-separated columns) of exactly n rows: the input's rows as they are,
// then copies of them, each moved by up to ±Jitter degrees in latitude and longitude and given a new geonameid
// (copy k of id i gets k·1,000,000,000 + i), until n rows are written. The output is the same for the same input
// and flags (a fixed random seed), so runs on different machines measure the same store.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "benchdata:", err)
		os.Exit(1)
	}
}

func run(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: benchdata places [-n N] [-o FILE] CITIES1000 | claims [-n N] [-first-id ID] [-o FILE] PLACES")
	}
	switch args[0] {
	case "places":
		fs := flag.NewFlagSet("places", flag.ContinueOnError)
		fs.SetOutput(stderr)
		n := fs.Int("n", 1_000_000, "rows to write")
		out := fs.String("o", "", "output file (default: standard output)")
		jitter := fs.Float64("jitter", DefaultJitter, "largest move of a copy, in degrees of latitude and longitude")
		seed := fs.Uint64("seed", 1, "random seed")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return errors.New("places: want one input file (GeoNames cities1000.txt)")
		}
		return writeFile(*out, stdout, func(w io.Writer) error {
			return Places(w, fs.Arg(0), PlacesOptions{N: *n, Jitter: *jitter, Seed: *seed})
		})
	case "claims":
		fs := flag.NewFlagSet("claims", flag.ContinueOnError)
		fs.SetOutput(stderr)
		n := fs.Int("n", 100_000, "claims to write")
		first := fs.Int64("first-id", 1, "id of the first claim")
		settlements := fs.Int("settlements", 100_000, "number of places (the first of the input) the claims are about")
		sources := fs.String("sources", "isw,ru-mod,ua-command,deepstate,rybar,black-bird-group", "source ids, comma-separated")
		out := fs.String("o", "", "output file (default: standard output)")
		seed := fs.Uint64("seed", 1, "random seed")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return errors.New("claims: want one input file (GeoNames rows whose ids the claims name)")
		}
		return writeFile(*out, stdout, func(w io.Writer) error {
			return Claims(w, fs.Arg(0), ClaimsOptions{N: *n, FirstID: *first, Settlements: *settlements,
				Sources: strings.Split(*sources, ","), Seed: *seed})
		})
	default:
		return fmt.Errorf("unknown command %q (want places or claims)", args[0])
	}
}

// writeFile runs fn on a buffered writer to path (stdout when path is ""), renaming a temporary file into place
// only when fn succeeds, so that make never sees a half-written target.
func writeFile(path string, stdout io.Writer, fn func(io.Writer) error) error {
	if path == "" {
		bw := bufio.NewWriterSize(stdout, 1<<20)
		if err := fn(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	err = fn(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// DefaultJitter is how far, in degrees, a copy may move from its original: about 5 km, so copies stay in the
// original's region and the store keeps the real density pattern.
const DefaultJitter = 0.05

// PlacesOptions configure Places.
type PlacesOptions struct {
	// N is the number of rows to write.
	N int
	// Jitter is the largest move of a copy in degrees.
	Jitter float64
	// Seed seeds the moves.
	Seed uint64
}

// Places writes opt.N GeoNames rows to w: the rows of the file at path, then jittered copies with new ids. It reads
// the input once per copy, holding one line at a time.
func Places(w io.Writer, path string, opt PlacesOptions) error {
	rng := rand.New(rand.NewPCG(opt.Seed, 0x7469_6c65_64))
	written := 0
	for k := 0; written < opt.N; k++ {
		before := written
		err := eachLine(path, func(line int, s string) (bool, error) {
			cols := strings.Split(s, "\t")
			if len(cols) != 19 {
				return false, fmt.Errorf("%s:%d: want 19 tab-separated columns, got %d", path, line, len(cols))
			}
			if k > 0 {
				if err := jitter(cols, k, rng, opt.Jitter); err != nil {
					return false, fmt.Errorf("%s:%d: %w", path, line, err)
				}
			}
			if _, err := io.WriteString(w, strings.Join(cols, "\t")+"\n"); err != nil {
				return false, err
			}
			written++
			return written < opt.N, nil
		})
		if err != nil {
			return err
		}
		if written == before {
			return fmt.Errorf("%s: no rows", path)
		}
	}
	return nil
}

// jitter turns cols into copy k of its row: a new geonameid and a point moved by up to j degrees.
func jitter(cols []string, k int, rng *rand.Rand, j float64) error {
	id, err := strconv.ParseInt(cols[0], 10, 64)
	if err != nil {
		return fmt.Errorf("geonameid %q is not a number", cols[0])
	}
	lat, err := strconv.ParseFloat(cols[4], 64)
	if err != nil {
		return fmt.Errorf("latitude %q is not a number", cols[4])
	}
	lon, err := strconv.ParseFloat(cols[5], 64)
	if err != nil {
		return fmt.Errorf("longitude %q is not a number", cols[5])
	}
	lat = max(-89.9, min(89.9, lat+(rng.Float64()*2-1)*j))
	lon = max(-179.9, min(179.9, lon+(rng.Float64()*2-1)*j))
	cols[0] = strconv.FormatInt(int64(k)*1_000_000_000+id, 10)
	cols[4] = strconv.FormatFloat(lat, 'f', 5, 64)
	cols[5] = strconv.FormatFloat(lon, 'f', 5, 64)
	return nil
}

// eachLine calls fn with each line of the file at path (without its newline) until fn returns false or an error.
func eachLine(path string, fn func(line int, s string) (bool, error)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<24)
	for line := 1; sc.Scan(); line++ {
		more, err := fn(line, sc.Text())
		if err != nil || !more {
			return err
		}
	}
	return sc.Err()
}
