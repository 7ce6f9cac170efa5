package ledger

import (
	"errors"
	"time"
)

// Decision is what an editor decided about a proposed claim.
type Decision string

// The decisions.
const (
	// DecisionAccepted: the proposal became a claim in the ledger.
	DecisionAccepted Decision = "accepted"
	// DecisionRejected: the proposal was not recorded.
	DecisionRejected Decision = "rejected"
)

// ErrReviewed is returned when a proposal that was already accepted or rejected is decided again (two editors
// deciding it at once: the first wins, the other gets this error, which also matches ErrExists).
var ErrReviewed = errors.New("ledger: proposal already reviewed")

// Review is the decision about one proposed claim of a report. A proposal has at most one review.
type Review struct {
	// ReportID is the report's id; Proposal the index of the proposed claim in its parse.
	ReportID int64 `json:"report"`
	Proposal int   `json:"proposal"`
	// Decision is accepted or rejected.
	Decision Decision `json:"decision"`
	// ClaimID is the claim an accepted proposal became; 0 for a rejection.
	ClaimID int64 `json:"claim,omitempty"`
	// By names the token of the editor who decided; At is when.
	By string    `json:"by"`
	At time.Time `json:"at"`
	// Reason is why a proposal was rejected; may be empty.
	Reason string `json:"reason,omitempty"`
}

// ReviewedError is the error for a proposal decided twice: it names the first decision.
type ReviewedError struct {
	// First is the decision that stands.
	First Review
}

// Error says who decided first and how.
func (e *ReviewedError) Error() string {
	s := "proposal " + itoa(int64(e.First.Proposal)) + " of report " + itoa(e.First.ReportID) + " was already " +
		string(e.First.Decision) + " by " + e.First.By
	if e.First.ClaimID != 0 {
		s += " as claim " + itoa(e.First.ClaimID)
	}
	return s
}

// Unwrap makes errors.Is match ErrReviewed and ErrExists.
func (e *ReviewedError) Unwrap() []error { return []error{ErrReviewed, ErrExists} }
