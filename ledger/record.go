package ledger

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tiled-maps/tiled/gazetteer"
)

// suggestions is how many "did you mean" candidates an unknown settlement's error lists.
const suggestions = 3

// Recorder validates sources and claims and appends them to a Store: the only way into the ledger. Each call is
// one transaction, so an import either records every row or nothing.
type Recorder struct {
	// Store receives the sources and claims.
	Store Store
	// Places is the gazetteer the geocoder searches for the settlements an unknown settlement reference may mean;
	// nil for no suggestions.
	Places gazetteer.Store
	// Now is the clock: a claim may not be published after Today(Now()). Nil means time.Now.
	Now func() time.Time
	// RecordedBy, when set, is the RecordedBy of every claim recorded without one ("cli:USER import FILE").
	RecordedBy string
	// BatchSize is how many rows of a claims file an import checks and appends at once when the Store's Writer is a
	// BatchWriter (0: DefaultBatchSize). It changes nothing but speed; tests make it small to put rows on both
	// sides of a batch's end.
	BatchSize int
}

// ImportStats counts what an import recorded.
type ImportStats struct {
	// Sources is the number of sources added.
	Sources int `json:"sources"`
	// Claims is the number of claims added.
	Claims int `json:"claims"`
	// FirstID and LastID are the ids of the first and last claim added (0 when none).
	FirstID int64 `json:"first_id,omitempty"`
	LastID  int64 `json:"last_id,omitempty"`
}

// Input names what an Import reads; nil readers are skipped.
type Input struct {
	// Sources is a sources CSV file (SourceColumns), named SourcesFile in errors.
	Sources     io.Reader
	SourcesFile string
	// Claims is a claims CSV file (ClaimColumns), named ClaimsFile in errors.
	Claims     io.Reader
	ClaimsFile string
}

// Import records the sources and then the claims of in, in one transaction: on any error nothing is kept.
func (r Recorder) Import(ctx context.Context, in Input) (ImportStats, error) {
	var st ImportStats
	err := r.Store.Write(ctx, func(w Writer) error {
		st = ImportStats{}
		if in.Sources != nil {
			err := ReadSources(in.Sources, in.SourcesFile, func(_ int, s Source) error {
				if err := addSource(ctx, w, s); err != nil {
					return err
				}
				st.Sources++
				return nil
			})
			if err != nil {
				return err
			}
		}
		if in.Claims == nil {
			return nil
		}
		return r.importClaims(ctx, w, in.Claims, in.ClaimsFile, &st)
	})
	return st, err
}

// ImportClaims records the claims of a CSV file (ClaimColumns) in one transaction.
func (r Recorder) ImportClaims(ctx context.Context, rd io.Reader, file string) (ImportStats, error) {
	return r.Import(ctx, Input{Claims: rd, ClaimsFile: file})
}

// ImportSources records the sources of a CSV file (SourceColumns) in one transaction.
func (r Recorder) ImportSources(ctx context.Context, rd io.Reader, file string) (ImportStats, error) {
	return r.Import(ctx, Input{Sources: rd, SourcesFile: file})
}

// AddClaim validates c and appends it, returning it as stored (with its id and RecordedAt). c.SettlementID may be a
// slug; the stored claim carries the settlement's id. A zero Credibility or ValidPrecision takes the default.
func (r Recorder) AddClaim(ctx context.Context, c Claim) (Claim, error) {
	if c.Credibility == 0 {
		c.Credibility = CredibilityUnknown
	}
	if c.ValidPrecision == "" {
		c.ValidPrecision = PrecisionDay
	}
	var out Claim
	err := r.Store.Write(ctx, func(w Writer) error {
		cw, err := r.newClaimWriter(ctx, w)
		if err != nil {
			return err
		}
		out, err = cw.add(ctx, c)
		return err
	})
	return out, err
}

// AddSource validates s and adds it to the registry; an empty Reliability means ReliabilityF.
func (r Recorder) AddSource(ctx context.Context, s Source) error {
	if s.Reliability == "" {
		s.Reliability = ReliabilityF
	}
	return r.Store.Write(ctx, func(w Writer) error { return addSource(ctx, w, s) })
}

// SetReliability sets the reliability grade of source id.
func (r Recorder) SetReliability(ctx context.Context, id string, g Reliability) error {
	if !g.Valid() {
		return fieldErr("reliability", string(g), nil, "want a grade A–F")
	}
	return r.Store.Write(ctx, func(w Writer) error {
		if _, err := w.Source(ctx, id); err != nil {
			if errors.Is(err, ErrUnknownSource) {
				return fieldErr("source", id, ErrUnknownSource, "not in the source registry (tiled sources list)")
			}
			return err
		}
		return w.SetReliability(ctx, id, g)
	})
}

func addSource(ctx context.Context, w Writer, s Source) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if err := w.AddSource(ctx, s); err != nil {
		if errors.Is(err, ErrExists) {
			return fieldErr("id", s.ID, ErrExists, "a source with this id is already registered")
		}
		return err
	}
	return nil
}

// claimWriter checks claims against the store inside one transaction. It remembers the settlements and sources
// it has found, so a file naming the same ones on many rows asks the store once each.
type claimWriter struct {
	places      gazetteer.Store
	w           Writer
	today       Date
	lastID      int64
	now         time.Time
	by          string            // RecordedBy of claims without one
	settlements map[string]string // reference -> settlement id
	sources     map[string]bool   // source ids found
}

func (r Recorder) newClaimWriter(ctx context.Context, w Writer) (*claimWriter, error) {
	now := time.Now()
	if r.Now != nil {
		now = r.Now()
	}
	last, err := w.LastClaimID(ctx)
	if err != nil {
		return nil, err
	}
	return &claimWriter{places: r.Places, w: w, today: Today(now), lastID: last, now: now.UTC(), by: r.RecordedBy,
		settlements: map[string]string{}, sources: map[string]bool{}}, nil
}

// add checks c against the clock and the store and appends it.
func (cw *claimWriter) add(ctx context.Context, c Claim) (Claim, error) {
	c, err := cw.prepare(ctx, c)
	if err != nil {
		return c, err
	}
	if err := cw.checkTarget(ctx, c); err != nil {
		return c, err
	}
	if dup, err := cw.w.Duplicate(ctx, c); err != nil {
		return c, err
	} else if dup != 0 {
		if err := sameProposal(ctx, cw.w, c, dup); err != nil {
			return c, err
		}
		return c, repeats(dup)
	}
	stored, err := cw.w.AddClaim(ctx, c)
	if err != nil {
		return stored, err
	}
	cw.lastID = max(cw.lastID, stored.ID)
	return stored, nil
}

// prepare checks c on its own, against the clock, and against the settlements, sources and ids the store holds,
// and returns it with its settlement's id for the reference, and RecordedAt and RecordedBy set when blank. The
// checks that involve other claims (the claim it corrects, the claims it may repeat) are the caller's.
func (cw *claimWriter) prepare(ctx context.Context, c Claim) (Claim, error) {
	if err := c.Validate(cw.today); err != nil {
		return c, err
	}
	id, ok := cw.settlements[c.SettlementID]
	if !ok {
		var err error
		id, err = cw.w.Settlement(ctx, c.SettlementID)
		if errors.Is(err, ErrUnknownSettlement) {
			return c, unknownSettlement(ctx, cw.places, c.SettlementID)
		}
		if err != nil {
			return c, err
		}
		cw.settlements[c.SettlementID] = id
	}
	c.SettlementID = id
	if !cw.sources[c.SourceID] {
		if _, err := cw.w.Source(ctx, c.SourceID); errors.Is(err, ErrUnknownSource) {
			return c, fieldErr("source", c.SourceID, ErrUnknownSource, "not in the source registry (tiled sources list; add it with tiled sources add)")
		} else if err != nil {
			return c, err
		}
		cw.sources[c.SourceID] = true
	}
	if c.ID != 0 && c.ID <= cw.lastID {
		return c, fieldErr("id", itoa(c.ID), ErrExists, "claim ids must increase: the ledger already holds ids up to %d (leave id blank to have one assigned)", cw.lastID)
	}
	if c.RecordedAt.IsZero() {
		c.RecordedAt = cw.now
	}
	if c.RecordedBy == "" {
		c.RecordedBy = cw.by
	}
	return c, nil
}

// checkTarget checks the claim c supersedes or retracts.
func (cw *claimWriter) checkTarget(ctx context.Context, c Claim) error {
	target := c.target()
	if target == 0 {
		return nil
	}
	t, by, err := cw.w.Claim(ctx, target)
	if errors.Is(err, ErrUnknownClaim) {
		return targetErr(c, nil)
	}
	if err != nil {
		return err
	}
	return targetErr(c, &Target{SettlementID: t.SettlementID, SourceID: t.SourceID, Retraction: t.IsRetraction(), ReplacedBy: by})
}

// target returns the id of the claim c supersedes or retracts, 0 if none.
func (c Claim) target() int64 { return max(c.Supersedes, c.Retracts) }

// targetErr returns why c may not correct t, the claim it supersedes or retracts (nil: not in the ledger), or nil.
func targetErr(c Claim, t *Target) error {
	field, target := "supersedes", c.Supersedes
	if c.IsRetraction() {
		field, target = "retracts", c.Retracts
	}
	v := itoa(target)
	switch {
	case t == nil:
		return fieldErr(field, v, ErrUnknownClaim, "no such claim in the ledger or on an earlier row")
	case t.Retraction:
		return fieldErr(field, v, nil, "claim %d is a retraction; retractions cannot be superseded or retracted", target)
	case t.ReplacedBy != 0:
		return fieldErr(field, v, ErrExists, "claim %d was already superseded or retracted by claim %d: a claim is corrected once", target, t.ReplacedBy)
	case t.SettlementID != c.SettlementID:
		return fieldErr(field, v, nil, "claim %d is about settlement %s, not %s: a correction must be about the same settlement", target, t.SettlementID, c.SettlementID)
	case t.SourceID != c.SourceID:
		return fieldErr("source", c.SourceID, nil, "claim %d is by source %s: only %s can correct or retract it (an admin can record an editorial retraction)", target, t.SourceID, t.SourceID)
	}
	return nil
}

// repeats is the error of a claim that repeats claim dup, still in force.
func repeats(dup int64) error {
	return fieldErr("row", "", ErrExists, "repeats claim %d (same settlement, source, holder, degree, dates and summary)", dup)
}

// ResolveSettlement returns the place of places with id or slug ref. When there is none, the error is a
// *FieldError (field "settlement", matching ErrUnknownSettlement) that lists the places the geocoder finds for ref
// taken as a name: "did you mean 486816 (Sudzha, Sudzhansky District, Kursk Oblast, RU)?".
func ResolveSettlement(ctx context.Context, places gazetteer.Store, ref string) (gazetteer.Place, error) {
	p, err := places.Place(ctx, ref)
	if errors.Is(err, gazetteer.ErrNotFound) {
		return p, unknownSettlement(ctx, places, ref)
	}
	return p, err
}

// unknownSettlement returns the error for a settlement reference the gazetteer does not hold, with the places the
// geocoder finds for it as a name (none when places is nil).
func unknownSettlement(ctx context.Context, places gazetteer.Store, ref string) error {
	msg := "not in the gazetteer (give a settlement id or slug)"
	if places == nil {
		return fieldErr("settlement", ref, ErrUnknownSettlement, "%s", msg)
	}
	res, err := gazetteer.Geocoder{Store: places}.Geocode(ctx, gazetteer.Query{Name: ref, Limit: suggestions})
	if err != nil && !errors.Is(err, gazetteer.ErrQuery) {
		return err
	}
	if len(res.Candidates) == 0 {
		return fieldErr("settlement", ref, ErrUnknownSettlement, "%s; no place has a similar name: add it to the gazetteer first", msg)
	}
	var parts []string
	for _, c := range res.Candidates {
		p := c.Place
		where := strings.Join(nonEmpty(p.Admin2, p.Admin1, p.Country), ", ")
		parts = append(parts, fmt.Sprintf("%s (%s, %s)", p.ID, p.Name, where))
	}
	return fieldErr("settlement", ref, ErrUnknownSettlement, "%s; did you mean %s?", msg, strings.Join(parts, " or "))
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// sameProposal returns a *ReviewedError when c, accepted from a report's proposal, repeats claim dup accepted from
// the same proposal (two editors accepting it at once): the editor is told who accepted it first.
func sameProposal(ctx context.Context, w Writer, c Claim, dup int64) error {
	if c.Report == nil {
		return nil
	}
	d, _, err := w.Claim(ctx, dup)
	if err != nil {
		return err
	}
	if d.Report == nil || d.Report.ReportID != c.Report.ReportID || d.Report.Proposal != c.Report.Proposal {
		return nil
	}
	return &ReviewedError{First: Review{ReportID: d.Report.ReportID, Proposal: d.Report.Proposal, Decision: DecisionAccepted,
		ClaimID: d.ID, By: d.RecordedBy, At: d.RecordedAt}}
}

// Retract records the retraction of claim id that build makes from it (build sees the claim as stored and returns
// the retraction to append), in one transaction with the checks of AddClaim: the same settlement, the same source,
// a claim not already corrected.
func (r Recorder) Retract(ctx context.Context, id int64, build func(target Claim) (Claim, error)) (Claim, error) {
	var out Claim
	err := r.Store.Write(ctx, func(w Writer) error {
		target, _, err := w.Claim(ctx, id)
		if errors.Is(err, ErrUnknownClaim) {
			return fieldErr("retracts", itoa(id), ErrUnknownClaim, "no such claim in the ledger")
		}
		if err != nil {
			return err
		}
		c, err := build(target)
		if err != nil {
			return err
		}
		if c.Credibility == 0 {
			c.Credibility = CredibilityUnknown
		}
		cw, err := r.newClaimWriter(ctx, w)
		if err != nil {
			return err
		}
		out, err = cw.add(ctx, c)
		return err
	})
	return out, err
}
