package main

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// sourceNames holds the Ukrainian and Russian names and kinds of the shared sources (id,name_uk,name_ru,kind_uk,
// kind_ru): our translations, kept beside the generator since the shared file has English only.
//
//go:embed source-names.csv
var sourceNames []byte

// translatedColumns are the columns buildSources adds to the shared sources.csv.
var translatedColumns = []string{"name_uk", "name_ru", "kind_uk", "kind_ru"}

// buildSources returns the shared sources.csv with the columns of names added to each row by id. A source of the
// shared file without a translation, or a translation of no shared source, stops the generator.
func buildSources(shared []byte, sharedName string, names []byte) ([]byte, error) {
	tr := map[string][]string{}
	nr := csv.NewReader(bytes.NewReader(names))
	head, err := nr.Read()
	if err != nil || strings.Join(head, ",") != "id,"+strings.Join(translatedColumns, ",") {
		return nil, fmt.Errorf("source-names.csv: header %q, want id,%s", head, strings.Join(translatedColumns, ","))
	}
	for {
		rec, err := nr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("source-names.csv: %w", err)
		}
		tr[rec[0]] = rec[1:]
	}
	sr := csv.NewReader(bytes.NewReader(shared))
	header, err := sr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sharedName, err)
	}
	if len(header) == 0 || header[0] != "id" {
		return nil, fmt.Errorf("%s:1: want id as the first column", sharedName)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(append(header, translatedColumns...))
	used := map[string]bool{}
	for {
		rec, err := sr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sharedName, err)
		}
		t, ok := tr[rec[0]]
		if !ok {
			line, _ := sr.FieldPos(0)
			return nil, fmt.Errorf("%s:%d: source %q has no Ukrainian and Russian names in tools/seedgen/source-names.csv", sharedName, line, rec[0])
		}
		used[rec[0]] = true
		w.Write(append(rec, t...))
	}
	for id := range tr {
		if !used[id] {
			return nil, fmt.Errorf("source-names.csv: %q is not a source of %s", id, sharedName)
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}
