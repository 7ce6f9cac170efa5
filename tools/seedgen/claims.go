package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// claimsColumns are the columns of the claims.csv seedgen writes, in order (data/README.md, tiled claims import).
var claimsColumns = []string{"id", "settlement", "source", "holder", "degree", "valid_at", "valid_precision",
	"published_at", "relayed_by", "relay_url", "evidence", "summary", "credibility", "supersedes", "retracts"}

// reportedColumns are the columns seedgen reads from the shared reported-claims.csv.
var reportedColumns = []string{"settlement", "source", "holder", "degree", "valid_at", "valid_precision",
	"published_at", "relayed_by", "evidence", "summary"}

// buildClaims turns the shared reported-claims.csv into tiled's claims.csv: ids 1, 2, … in row order, settlement
// names resolved to the feature ids of fc (a name must match exactly one feature's name_en or one of its alternate
// Latin spellings), evidence words made slugs (`official statement` → `official-statement`), every other field
// copied. relay_url and credibility stay blank: the shared file gives neither.
func buildClaims(r io.Reader, name string, fc *FeatureCollection) ([]byte, error) {
	byName := map[string][]string{}
	for _, f := range fc.Features {
		keys := map[string]bool{strings.ToLower(f.Properties.Name): true}
		for _, n := range f.Properties.Names {
			if n.Kind == "alternate" && n.Lang == "" {
				keys[strings.ToLower(n.Name)] = true
			}
		}
		for k := range keys {
			byName[k] = append(byName[k], f.ID)
		}
	}
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: reading header: %w", name, err)
	}
	index := map[string]int{}
	for i, h := range header {
		index[strings.TrimSpace(h)] = i
	}
	for _, c := range reportedColumns {
		if _, ok := index[c]; !ok {
			return nil, fmt.Errorf("%s:1: header has no %q column", name, c)
		}
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(claimsColumns); err != nil {
		return nil, err
	}
	for n := 1; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		get := func(c string) string { return strings.TrimSpace(rec[index[c]]) }
		ids := byName[strings.ToLower(get("settlement"))]
		if len(ids) != 1 {
			return nil, fmt.Errorf("%s:%d: settlement %q matches %d places, want exactly one", name, line, get("settlement"), len(ids))
		}
		out := map[string]string{"id": strconv.Itoa(n), "settlement": ids[0],
			"evidence": strings.ReplaceAll(strings.ToLower(get("evidence")), " ", "-")}
		for _, c := range reportedColumns {
			if _, set := out[c]; !set {
				out[c] = get(c)
			}
		}
		recOut := make([]string, len(claimsColumns))
		for i, c := range claimsColumns {
			recOut[i] = out[c]
		}
		if err := w.Write(recOut); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}
