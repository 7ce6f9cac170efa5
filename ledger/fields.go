package ledger

import (
	"maps"
	"slices"
	"strings"
)

// ClaimFromFields parses a claim from named text fields — the claims CSV columns (ClaimColumns) — as the HTTP API's
// JSON body and the CLI's flags give them. Errors are *FieldError values naming the field.
func ClaimFromFields(fields map[string]string) (Claim, error) {
	rec := record{cols: map[string]int{}}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if !slices.Contains(ClaimColumns, k) {
			return Claim{}, fieldErr(k, "", nil, "unknown field; want one of %s", strings.Join(ClaimColumns, ", "))
		}
		rec.cols[k] = len(rec.fields)
		rec.fields = append(rec.fields, fields[k])
	}
	return parseClaim(rec)
}

// SourceFromFields parses a source from named text fields — the sources CSV columns (SourceColumns) — as the HTTP
// API's JSON body gives them, and validates it.
func SourceFromFields(fields map[string]string) (Source, error) {
	rec := record{cols: map[string]int{}}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if !slices.Contains(SourceColumns, k) {
			return Source{}, fieldErr(k, "", nil, "unknown field; want one of %s", strings.Join(SourceColumns, ", "))
		}
		rec.cols[k] = len(rec.fields)
		rec.fields = append(rec.fields, fields[k])
	}
	return parseSource(rec)
}

// parseSource reads and validates one source record.
func parseSource(rec record) (Source, error) {
	s := Source{ID: rec.get("id"), Name: rec.get("name"), Kind: rec.get("kind"), URL: rec.get("url"),
		Notes: rec.get("notes"), Reliability: ReliabilityF, NameUK: rec.get("name_uk"), NameRU: rec.get("name_ru"),
		KindUK: rec.get("kind_uk"), KindRU: rec.get("kind_ru")}
	var err error
	if s.Alignment, err = ParseAlignment(rec.get("alignment")); err != nil {
		return s, err
	}
	if v := rec.get("reliability"); v != "" {
		if s.Reliability, err = ParseReliability(v); err != nil {
			return s, err
		}
	}
	return s, s.Validate()
}
