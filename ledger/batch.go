package ledger

import (
	"context"
	"errors"
	"io"
)

// DefaultBatchSize is how many rows of a claims file an import checks and appends at once.
const DefaultBatchSize = 1000

// BatchWriter is a Writer that also reads and appends claims many at a time. A Store's Writer may implement it:
// Recorder's imports then check and append each batch of rows with a few statements rather than several a row.
// Imports accept and refuse the same files with the same errors either way.
type BatchWriter interface {
	Writer
	// SettlementIDs returns, as a set, those of refs that are the ids of settlements (refs that are slugs are
	// resolved one at a time by Settlement).
	SettlementIDs(ctx context.Context, refs []string) (map[string]bool, error)
	// Targets returns what the ledger holds of the claims with ids among ids (those it holds), for the checks of a
	// claim that supersedes or retracts one.
	Targets(ctx context.Context, ids []int64) (map[int64]Target, error)
	// Duplicates returns, for each claim of cs, the ids (ascending) of the claims still in force with the same
	// settlement, source, holder, degree, dates and summary: what Duplicate would find, and any later ones.
	Duplicates(ctx context.Context, cs []Claim) ([][]int64, error)
	// AddClaims appends cs in order: validated claims, each with its id and RecordedAt set and no Report. When the
	// store refuses one of them, the error is a *RowError naming it, wrapping the error AddClaim would return.
	AddClaims(ctx context.Context, cs []Claim) error
}

// Target is what the ledger checks of a claim that another claim supersedes or retracts.
type Target struct {
	// SettlementID and SourceID are the claim's settlement and source.
	SettlementID, SourceID string
	// Retraction reports whether the claim is a retraction.
	Retraction bool
	// ReplacedBy is the id of the claim that supersedes or retracts it, 0 if none.
	ReplacedBy int64
}

// RowError is the error of BatchWriter.AddClaims when the store refuses one claim of the batch.
type RowError struct {
	// Index is the claim's place in the batch.
	Index int
	// Err is why the store refused it.
	Err error
}

// Error returns Err's message.
func (e *RowError) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *RowError) Unwrap() error { return e.Err }

// importClaims records the claims of a CSV file through w, a batch of rows at a time. Each batch is checked in
// the order of its rows against the store (which holds the batches before it) and against its own earlier rows,
// then appended; the first bad row, in file order, is the error, and the caller's transaction keeps nothing.
func (r Recorder) importClaims(ctx context.Context, w Writer, rd io.Reader, file string, st *ImportStats) error {
	cw, err := r.newClaimWriter(ctx, w)
	if err != nil {
		return err
	}
	rows, err := openCSV(rd, file, ClaimColumns, requiredClaimColumns)
	if err != nil {
		return err
	}
	b := &claimBatch{cw: cw, file: file, size: 1}
	if bw, ok := w.(BatchWriter); ok {
		b.w, b.size = bw, r.BatchSize
		if b.size <= 0 {
			b.size = DefaultBatchSize
		}
	} else {
		// One row at a time: the answers of rowWriter are exact for a batch of one.
		b.w = rowWriter{w}
	}
	flush := func() error {
		n := len(b.claims)
		if n == 0 {
			return nil
		}
		if err := b.flush(ctx); err != nil {
			return err
		}
		if st.FirstID == 0 {
			st.FirstID = b.claims[0].ID
		}
		st.LastID = b.claims[n-1].ID
		st.Claims += n
		b.claims, b.lines = b.claims[:0], b.lines[:0]
		return nil
	}
	for {
		line, c, err := rows.nextClaim()
		if errors.Is(err, io.EOF) {
			return flush()
		}
		if err != nil {
			// The rows above a bad one are checked first: the error names the first bad row.
			if ferr := flush(); ferr != nil {
				return ferr
			}
			return err
		}
		b.claims, b.lines = append(b.claims, c), append(b.lines, line)
		if len(b.claims) >= b.size {
			if err := flush(); err != nil {
				return err
			}
		}
	}
}

// claimBatch is rows of a claims file waiting to be checked and appended together.
type claimBatch struct {
	cw     *claimWriter
	w      BatchWriter
	file   string
	size   int
	claims []Claim
	lines  []int // the line of each claim
}

// dupKey is what two claims share when one repeats the other.
type dupKey struct {
	settlement, source string
	holder             Holder
	degree             Degree
	valid, published   Date
	summary            string
}

func keyOf(c Claim) dupKey {
	return dupKey{c.SettlementID, c.SourceID, c.Holder, c.Degree, c.ValidAt, c.PublishedAt, c.Summary}
}

// flush checks the batch's claims in order and appends them, giving each its id; on error it returns the first
// bad row's error, located, and appends nothing.
func (b *claimBatch) flush(ctx context.Context) error {
	cw := b.cw
	var refs []string
	seen := map[string]bool{}
	for _, c := range b.claims {
		ref := c.SettlementID
		if _, ok := cw.settlements[ref]; !ok && !seen[ref] && ref != "" && len(ref) <= MaxID {
			refs, seen[ref] = append(refs, ref), true
		}
	}
	if len(refs) > 0 {
		ids, err := b.w.SettlementIDs(ctx, refs)
		if err != nil {
			return at(err, b.file, b.lines[0])
		}
		for id := range ids {
			cw.settlements[id] = id
		}
	}
	// Each claim on its own and against the settlements, sources and ids, up to the first bad one.
	var stop error
	cs := b.claims
	var targets []int64
	for i := range cs {
		c, err := cw.prepare(ctx, cs[i])
		if err != nil {
			stop, cs = at(err, b.file, b.lines[i]), cs[:i]
			break
		}
		if c.ID == 0 {
			c.ID = cw.lastID + 1
		}
		cw.lastID = c.ID
		cs[i] = c
		if t := c.target(); t != 0 {
			targets = append(targets, t)
		}
	}
	// Against the claims they correct and repeat: the store's, and the batch's own rows above.
	var stored map[int64]Target
	var dups [][]int64
	if len(cs) > 0 {
		var err error
		if len(targets) > 0 {
			if stored, err = b.w.Targets(ctx, targets); err != nil {
				return at(err, b.file, b.lines[0])
			}
		}
		if dups, err = b.w.Duplicates(ctx, cs); err != nil {
			return at(err, b.file, b.lines[0])
		}
	}
	added := make(map[int64]Target, len(cs))
	corrected := map[int64]int64{} // claim id -> the claim of the batch that corrects it
	inForce := make(map[dupKey][]int64, len(cs))
	for i, c := range cs {
		target := c.target()
		if target != 0 {
			t, ok := added[target]
			if !ok {
				t, ok = stored[target]
			}
			if ok && t.ReplacedBy == 0 {
				t.ReplacedBy = corrected[target]
			}
			var tp *Target
			if ok {
				tp = &t
			}
			if err := targetErr(c, tp); err != nil {
				return at(err, b.file, b.lines[i])
			}
		}
		k := keyOf(c)
		dup := firstInForce(dups[i], corrected)
		if dup == 0 {
			dup = firstInForce(inForce[k], corrected)
		}
		if dup != 0 {
			return at(repeats(dup), b.file, b.lines[i])
		}
		if target != 0 {
			corrected[target] = c.ID
		}
		added[c.ID] = Target{SettlementID: c.SettlementID, SourceID: c.SourceID, Retraction: c.IsRetraction()}
		if !c.IsRetraction() {
			inForce[k] = append(inForce[k], c.ID)
		}
	}
	if stop != nil {
		return stop
	}
	if err := b.w.AddClaims(ctx, cs); err != nil {
		var re *RowError
		if errors.As(err, &re) && re.Index >= 0 && re.Index < len(cs) {
			return at(re.Err, b.file, b.lines[re.Index])
		}
		return at(err, b.file, b.lines[0])
	}
	return nil
}

// firstInForce returns the first of ids that corrected does not hold, 0 if none.
func firstInForce(ids []int64, corrected map[int64]int64) int64 {
	for _, id := range ids {
		if corrected[id] == 0 {
			return id
		}
	}
	return 0
}

// rowWriter answers BatchWriter's questions through a Writer's methods, one claim at a time. For a batch of one
// claim its answers are exact: Duplicates finds only the first claim in force, which is all a batch of one needs.
type rowWriter struct{ Writer }

func (w rowWriter) SettlementIDs(context.Context, []string) (map[string]bool, error) { return nil, nil }

func (w rowWriter) Targets(ctx context.Context, ids []int64) (map[int64]Target, error) {
	out := map[int64]Target{}
	for _, id := range ids {
		c, by, err := w.Claim(ctx, id)
		if errors.Is(err, ErrUnknownClaim) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = Target{SettlementID: c.SettlementID, SourceID: c.SourceID, Retraction: c.IsRetraction(), ReplacedBy: by}
	}
	return out, nil
}

func (w rowWriter) Duplicates(ctx context.Context, cs []Claim) ([][]int64, error) {
	out := make([][]int64, len(cs))
	for i, c := range cs {
		dup, err := w.Duplicate(ctx, c)
		if err != nil {
			return nil, err
		}
		if dup != 0 {
			out[i] = []int64{dup}
		}
	}
	return out, nil
}

func (w rowWriter) AddClaims(ctx context.Context, cs []Claim) error {
	for i, c := range cs {
		if _, err := w.AddClaim(ctx, c); err != nil {
			return &RowError{Index: i, Err: err}
		}
	}
	return nil
}
