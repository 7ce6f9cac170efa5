package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// ClaimsOptions configure Claims.
type ClaimsOptions struct {
	// N is the number of claims to write.
	N int
	// FirstID is the id of the first claim; ids increase by one down the file.
	FirstID int64
	// Settlements is how many places of the input the claims are about (the first ones).
	Settlements int
	// Sources are the source ids the claims come from.
	Sources []string
	// Seed seeds the choices.
	Seed uint64
}

// ClaimColumns are the columns of data/claims.csv, which Claims writes.
var ClaimColumns = []string{"id", "settlement", "source", "holder", "degree", "valid_at", "valid_precision",
	"published_at", "relayed_by", "relay_url", "evidence", "summary", "credibility", "supersedes", "retracts"}

// Claims writes opt.N synthetic claims in data/claims.csv's columns to w, about the first opt.Settlements places
// of the GeoNames file at path: valid over two years of dates, published up to three days later, with a summary of
// about a hundred characters, and one claim in fifty superseding and one in a hundred retracting an earlier claim of
// the same settlement and source in the file that is still in force (a source corrects only its own claims). The output is the same for the same input and options.
func Claims(w io.Writer, path string, opt ClaimsOptions) error {
	var ids []string
	err := eachLine(path, func(line int, s string) (bool, error) {
		id, _, ok := strings.Cut(s, "\t")
		if !ok {
			return false, fmt.Errorf("%s:%d: not a GeoNames row", path, line)
		}
		ids = append(ids, id)
		return len(ids) < opt.Settlements, nil
	})
	if err != nil {
		return err
	}
	if len(ids) == 0 || len(opt.Sources) == 0 {
		return fmt.Errorf("claims: no places in %s or no sources", path)
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x636c_6169_6d73))
	holders := []string{"ru", "ua", "contested", "unknown"}
	degrees := []string{"full", "partial", "advance", "presence", "fighting", "infiltration", "encircled", "attack-repelled"}
	evidence := []string{"geolocated-footage", "official-statement", "analyst-assessment", "milblogger-report", "map-update"}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	type key struct{ settlement, source int }
	open := map[key]int64{} // (settlement, source) -> a claim of that source in force about it
	cw := csv.NewWriter(w)
	if err := cw.Write(ClaimColumns); err != nil {
		return err
	}
	row := make([]string, len(ClaimColumns))
	for i := range opt.N {
		id := opt.FirstID + int64(i)
		k, si := rng.IntN(len(ids)), rng.IntN(len(opt.Sources))
		src := opt.Sources[si]
		valid := start.AddDate(0, 0, rng.IntN(730))
		holder, degree := holders[rng.IntN(len(holders))], degrees[rng.IntN(len(degrees))]
		supersedes, retracts := "", ""
		if prev, ok := open[key{k, si}]; ok {
			switch r := rng.IntN(100); {
			case r < 2:
				supersedes = strconv.FormatInt(prev, 10)
			case r < 3:
				retracts, holder, degree = strconv.FormatInt(prev, 10), "unknown", ""
			}
		}
		if retracts == "" {
			open[key{k, si}] = id
		} else {
			delete(open, key{k, si})
		}
		copy(row, []string{strconv.FormatInt(id, 10), ids[k], src, holder, degree, valid.Format(time.DateOnly),
			"day", valid.AddDate(0, 0, rng.IntN(3)).Format(time.DateOnly), "synthetic relay", "",
			evidence[rng.IntN(len(evidence))],
			fmt.Sprintf("Synthetic claim %d: %s said that %s held settlement %s (%s), for the benchmarks.", id, src, holder, ids[k], degree),
			strconv.Itoa(1 + rng.IntN(6)), supersedes, retracts})
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
