package ledger

import "context"

// Store persists the ledger. Implementations keep claims append-only and make Write atomic: when fn returns an
// error, the store is left exactly as it was.
type Store interface {
	// Version returns a number that changes whenever sources or claims change (it may change for other reasons).
	Version(ctx context.Context) (int64, error)
	// Sources returns every source, ordered by id.
	Sources(ctx context.Context) ([]Source, error)
	// Claims returns the claims that match f, ordered by id.
	Claims(ctx context.Context, f ClaimFilter) ([]Claim, error)
	// Write runs fn inside one write transaction.
	Write(ctx context.Context, fn func(w Writer) error) error
}

// ClaimFilter selects claims; empty fields select everything.
type ClaimFilter struct {
	// Settlement is a settlement id.
	Settlement string
	// Source is a source id.
	Source string
	// AfterID, when not 0, selects only the claims with ids above it (what a cache has not seen yet).
	AfterID int64
	// Limit, when above 0, caps the number of claims returned (the first by id); a store may ignore it.
	Limit int
	// NoText allows the store to leave out the claims' text (Summary, RelayedBy, RelayURL, RecordedBy), which the
	// index does not keep.
	NoText bool
}

// Writer reads and appends inside a Store's write transaction; what it reads includes what was written earlier in
// the same transaction.
type Writer interface {
	// Settlement returns the id of the settlement with id or slug ref, or an error wrapping ErrUnknownSettlement.
	Settlement(ctx context.Context, ref string) (string, error)
	// Source returns the source with id, or an error wrapping ErrUnknownSource.
	Source(ctx context.Context, id string) (Source, error)
	// Claim returns the claim with id and the id of the claim that supersedes or retracts it (0 if none), or an
	// error wrapping ErrUnknownClaim.
	Claim(ctx context.Context, id int64) (c Claim, replacedBy int64, err error)
	// LastClaimID returns the highest claim id, 0 for an empty ledger.
	LastClaimID(ctx context.Context) (int64, error)
	// Duplicate returns the id of a claim still in force (not superseded or retracted) with the same settlement,
	// source, holder, degree, dates and summary as c, or 0.
	Duplicate(ctx context.Context, c Claim) (int64, error)
	// AddSource inserts s, or returns an error wrapping ErrExists when its id is taken.
	AddSource(ctx context.Context, s Source) error
	// SetReliability sets the reliability grade of source id.
	SetReliability(ctx context.Context, id string, r Reliability) error
	// AddClaim appends c, which has been validated. It keeps c.ID when non-zero and assigns the next id otherwise,
	// keeps c.RecordedAt when set and uses the current time otherwise, and returns the claim as stored.
	AddClaim(ctx context.Context, c Claim) (Claim, error)
}
