package ledger

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// ClaimColumns are the columns of a claims CSV file, in the order WriteClaims writes them. The header names the
// columns, in any order. Required: settlement, source, holder, degree, valid_at, published_at, evidence, summary.
// The others may be absent or blank:
//
//   - id: the claim's ledger id; when given, ids must increase down the file and exceed every id already in the
//     ledger (so re-importing a file fails instead of doubling it), and supersedes/retracts may refer to rows above;
//     when blank the ledger assigns the next id;
//   - valid_precision: day when blank;
//   - holder may be blank on a retraction (unknown), degree on a retraction or an unknown holder;
//   - credibility: 6 when blank;
//   - supersedes, retracts: the id of a claim already in the ledger or on an earlier row.
//
// settlement is a gazetteer id or slug; evidence is a slug or the same words with spaces ("official statement").
var ClaimColumns = []string{"id", "settlement", "source", "holder", "degree", "valid_at", "valid_precision",
	"published_at", "relayed_by", "relay_url", "evidence", "summary", "credibility", "supersedes", "retracts"}

var requiredClaimColumns = []string{"settlement", "source", "holder", "degree", "valid_at", "published_at",
	"evidence", "summary"}

// SourceColumns are the columns of a sources CSV file; the first six are required in the header, and id, name,
// kind and alignment must not be blank; reliability (F when absent or blank) and the Ukrainian and Russian names
// and kinds are optional.
var SourceColumns = []string{"id", "name", "kind", "alignment", "url", "notes", "reliability", "name_uk", "name_ru", "kind_uk", "kind_ru"}

// ReadClaims reads a claims CSV file (see ClaimColumns) and calls fn with each claim and the line it starts on.
// Claims are checked field by field as they are read, not against the store or the clock (see Claim.Validate and
// Recorder). Errors are *FieldError values naming file, line and field; an error from fn is returned with the file
// and line added.
func ReadClaims(r io.Reader, file string, fn func(line int, c Claim) error) error {
	return readCSV(r, file, ClaimColumns, requiredClaimColumns, func(line int, rec record) error {
		c, err := parseClaim(rec)
		if err != nil {
			return err
		}
		return fn(line, c)
	})
}

// ReadSources reads a sources CSV file (see SourceColumns) and calls fn with each source and its line.
func ReadSources(r io.Reader, file string, fn func(line int, s Source) error) error {
	return readCSV(r, file, SourceColumns, SourceColumns[:6], func(line int, rec record) error {
		s, err := parseSource(rec)
		if err != nil {
			return err
		}
		return fn(line, s)
	})
}

// record is one CSV row with its header.
type record struct {
	cols   map[string]int
	fields []string
}

func (r record) get(col string) string {
	if i, ok := r.cols[col]; ok {
		return strings.TrimSpace(r.fields[i])
	}
	return ""
}

func readCSV(r io.Reader, file string, known, required []string, fn func(line int, rec record) error) error {
	rows, err := openCSV(r, file, known, required)
	if err != nil {
		return err
	}
	for {
		line, rec, err := rows.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(line, rec); err != nil {
			return at(err, file, line)
		}
	}
}

// csvRows reads the records of a CSV file after its header, one at a time.
type csvRows struct {
	cr   *csv.Reader
	file string
	cols map[string]int
}

// openCSV reads and checks the header of a CSV file: every column known, none repeated, the required ones there.
func openCSV(r io.Reader, file string, known, required []string) (*csvRows, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &FieldError{File: file, Line: 1, Field: "header", Msg: "empty file; want a header line"}
	}
	if err != nil {
		return nil, csvErr(file, err)
	}
	cols := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if !slices.Contains(known, h) {
			return nil, &FieldError{File: file, Line: 1, Field: "header", Value: h,
				Msg: fmt.Sprintf("unknown column; want %s", strings.Join(known, ","))}
		}
		if _, dup := cols[h]; dup {
			return nil, &FieldError{File: file, Line: 1, Field: "header", Value: h, Msg: "column repeated"}
		}
		cols[h] = i
	}
	for _, h := range required {
		if _, ok := cols[h]; !ok {
			return nil, &FieldError{File: file, Line: 1, Field: "header", Msg: fmt.Sprintf("missing column %q", h)}
		}
	}
	return &csvRows{cr: cr, file: file, cols: cols}, nil
}

// next returns the next record and the line it starts on, io.EOF after the last, or an error naming the file and
// line.
func (r *csvRows) next() (int, record, error) {
	fields, err := r.cr.Read()
	if errors.Is(err, io.EOF) {
		return 0, record{}, io.EOF
	}
	if err != nil {
		return 0, record{}, csvErr(r.file, err)
	}
	line, _ := r.cr.FieldPos(0)
	return line, record{cols: r.cols, fields: fields}, nil
}

// nextClaim returns the next claim of a claims file and its line, io.EOF after the last, or an error naming the
// file and line (a *FieldError for a bad value).
func (r *csvRows) nextClaim() (int, Claim, error) {
	line, rec, err := r.next()
	if err != nil {
		return line, Claim{}, err
	}
	c, err := parseClaim(rec)
	return line, c, at(err, r.file, line)
}

func csvErr(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &FieldError{File: file, Line: pe.StartLine, Field: "record", Msg: pe.Err.Error()}
	}
	return fmt.Errorf("%s: %w", file, err)
}

func parseClaim(rec record) (Claim, error) {
	c := Claim{
		SettlementID: rec.get("settlement"),
		SourceID:     rec.get("source"),
		RelayedBy:    rec.get("relayed_by"),
		RelayURL:     rec.get("relay_url"),
		Summary:      rec.get("summary"),
		Credibility:  CredibilityUnknown,
	}
	var err error
	ids := []struct {
		col string
		dst *int64
	}{{"id", &c.ID}, {"supersedes", &c.Supersedes}, {"retracts", &c.Retracts}}
	for _, f := range ids {
		if *f.dst, err = parseID(f.col, rec.get(f.col)); err != nil {
			return c, err
		}
	}
	if h := rec.get("holder"); h != "" || !c.IsRetraction() {
		if c.Holder, err = ParseHolder(h); err != nil {
			return c, err
		}
	} else {
		c.Holder = HolderUnknown
	}
	if d := rec.get("degree"); d != "" {
		if c.Degree, err = ParseDegree(d); err != nil {
			return c, err
		}
	}
	if c.ValidAt, err = parseDateField("valid_at", rec.get("valid_at")); err != nil {
		return c, err
	}
	c.ValidPrecision = PrecisionDay
	if p := rec.get("valid_precision"); p != "" {
		if c.ValidPrecision, err = ParsePrecision(p); err != nil {
			return c, err
		}
	}
	if c.PublishedAt, err = parseDateField("published_at", rec.get("published_at")); err != nil {
		return c, err
	}
	if c.Evidence, err = ParseEvidence(rec.get("evidence")); err != nil {
		return c, err
	}
	if v := rec.get("credibility"); v != "" {
		if c.Credibility, err = ParseCredibility(v); err != nil {
			return c, err
		}
	}
	return c, nil
}

// parseDateField parses a required YYYY-MM-DD field.
func parseDateField(field, s string) (Date, error) {
	if s == "" {
		return Date{}, fieldErr(field, "", nil, "required (YYYY-MM-DD)")
	}
	d, err := ParseDate(s)
	if err != nil {
		return Date{}, fieldErr(field, s, nil, "want a date written YYYY-MM-DD")
	}
	return d, nil
}

// parseID parses an optional claim id.
func parseID(field, s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || n <= 0 {
		return 0, fieldErr(field, s, nil, "want a claim id (a positive integer)")
	}
	return n, nil
}

// WriteClaims writes claims as CSV with the ClaimColumns header, in a form ReadClaims reads back.
func WriteClaims(w io.Writer, claims []Claim) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ClaimColumns); err != nil {
		return err
	}
	for _, c := range claims {
		rec := []string{itoa(c.ID), c.SettlementID, c.SourceID, string(c.Holder), string(c.Degree),
			c.ValidAt.String(), string(c.ValidPrecision), c.PublishedAt.String(), c.RelayedBy, c.RelayURL,
			string(c.Evidence), c.Summary, itoa(int64(c.Credibility)), itoa(c.Supersedes), itoa(c.Retracts)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// itoa formats n, or "" for 0.
func itoa(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}
