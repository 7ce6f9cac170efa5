// Command seedgen regenerates tiled's seed data from the shared, read-only inputs:
//
//	go run ./tools/seedgen -shared ../shared -out data
//
// It reads <shared>/data/border-settlements.csv and <shared>/data/geonames-admin1-RU-UA.tsv, writes
// <out>/settlements.geojson (an RFC 7946 FeatureCollection, one Point feature per CSV row, in row order) and copies
// <shared>/data/sources.csv to <out>/sources.csv with the Ukrainian and Russian names and kinds of
// source-names.csv added, and writes <out>/claims.csv from
// <shared>/data/reported-claims.csv with settlement names resolved to feature ids. The output is deterministic: the same input gives the
// same bytes. data/README.md documents the property schema and the approximate-placement method.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Input and output file names, relative to -shared and -out.
const (
	settlementsCSV = "data/border-settlements.csv"
	admin1TSV      = "data/geonames-admin1-RU-UA.tsv"
	sourcesCSV     = "data/sources.csv"
	reportedCSV    = "data/reported-claims.csv"
	outClaims      = "claims.csv"
	outGeoJSON     = "settlements.geojson"
	outSources     = "sources.csv"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "seedgen:", err)
		}
		os.Exit(1)
	}
}

// run parses args, reads the inputs under -shared and writes the seed files under -out.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seedgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	shared := fs.String("shared", "../shared", "directory holding the shared read-only data (with data/ inside)")
	out := fs.String("out", "data", "directory to write settlements.geojson and sources.csv to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	csvPath := filepath.Join(*shared, settlementsCSV)
	csvBytes, err := os.ReadFile(csvPath)
	if err != nil {
		return err
	}
	tsvPath := filepath.Join(*shared, admin1TSV)
	tsvBytes, err := os.ReadFile(tsvPath)
	if err != nil {
		return err
	}
	sources, err := os.ReadFile(filepath.Join(*shared, sourcesCSV))
	if err != nil {
		return err
	}

	admin1, err := parseAdmin1(bytes.NewReader(tsvBytes), tsvPath)
	if err != nil {
		return err
	}
	rows, err := parseRows(bytes.NewReader(csvBytes), csvPath)
	if err != nil {
		return err
	}
	fc, err := build(rows, admin1)
	if err != nil {
		return err
	}
	geojson, err := encode(fc)
	if err != nil {
		return err
	}
	sources, err = buildSources(sources, filepath.Join(*shared, sourcesCSV), sourceNames)
	if err != nil {
		return err
	}
	reportedPath := filepath.Join(*shared, reportedCSV)
	reported, err := os.Open(reportedPath)
	if err != nil {
		return err
	}
	defer reported.Close()
	claims, err := buildClaims(reported, reportedPath, fc)
	if err != nil {
		return err
	}

	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, outGeoJSON), geojson, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, outSources), sources, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, outClaims), claims, 0o644); err != nil {
		return err
	}
	approx := 0
	for _, f := range fc.Features {
		if f.Properties.Approximate {
			approx++
		}
	}
	fmt.Fprintf(stdout, "seedgen: wrote %d features (%d approximate) to %s\n",
		len(fc.Features), approx, filepath.Join(*out, outGeoJSON))
	return nil
}
