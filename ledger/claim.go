package ledger

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxSummary is the longest summary a claim may carry, in characters: a summary is a sentence or two in our own
// words, not a copy of the report.
const MaxSummary = 1000

// Length limits, in characters, of the other text a source or a claim carries. They are far above any real value
// (the longest seed source name is under 60 characters) and keep a write from storing megabytes in a name.
const (
	// MaxID bounds a source id and a claim's settlement and source ids.
	MaxID = 64
	// MaxName bounds a source's name and kind.
	MaxName = 200
	// MaxNotes bounds a source's notes and a claim's relayed_by.
	MaxNotes = 2000
	// MaxURL bounds a source's URL and a claim's relay_url (bytes: URLs are ASCII).
	MaxURL = 2048
)

// EarliestDate is the earliest date a claim may describe or be published on: the ledger records the events of a
// war that began in the 21st century, and a year like 0024 or 1024 is a typing mistake, not history.
var EarliestDate = MakeDate(1900, time.January, 1)

// ReservedSourceID is the view name that means "every source" (the consensus) in URLs and exports: no source may
// be registered under it.
const ReservedSourceID = "consensus"

// Source is a registered source of claims.
type Source struct {
	// ID is a short lowercase slug ("isw", "ru-mod").
	ID string `json:"id"`
	// Name is the source's name.
	Name string `json:"name"`
	// Kind says what the source is: official, analyst organisation, OSINT map, Telegram channel, war correspondent,
	// or another short phrase.
	Kind string `json:"kind"`
	// Alignment is the side the source is aligned with.
	Alignment Alignment `json:"alignment"`
	// URL is the source's home page or channel; may be empty.
	URL string `json:"url,omitempty"`
	// Notes says what a reader should know about the source.
	Notes string `json:"notes,omitempty"`
	// Reliability is the grade users give the source; ReliabilityF when not judged.
	Reliability Reliability `json:"reliability"`
}

var sourceIDPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Validate checks s, returning a *FieldError for the first bad field.
func (s Source) Validate() error {
	switch {
	case len(s.ID) > MaxID:
		return fieldErr("id", "", nil, "longer than %d characters", MaxID)
	case !sourceIDPattern.MatchString(s.ID):
		return fieldErr("id", s.ID, nil, "want a lowercase slug of letters, digits and hyphens (\"ru-mod\")")
	case s.ID == ReservedSourceID:
		return fieldErr("id", s.ID, nil, "reserved: %q names the consensus of all sources", ReservedSourceID)
	case s.Name == "":
		return fieldErr("name", "", nil, "required")
	case utf8.RuneCountInString(s.Name) > MaxName:
		return fieldErr("name", "", nil, "longer than %d characters", MaxName)
	case strings.EqualFold(strings.TrimSpace(s.Name), ReservedSourceID):
		return fieldErr("name", s.Name, nil, "reserved: %q names the consensus of all sources", ReservedSourceID)
	case s.Kind == "":
		return fieldErr("kind", "", nil, "required (official, analyst organisation, OSINT map, Telegram channel, …)")
	case utf8.RuneCountInString(s.Kind) > MaxName:
		return fieldErr("kind", "", nil, "longer than %d characters", MaxName)
	case utf8.RuneCountInString(s.Notes) > MaxNotes:
		return fieldErr("notes", "", nil, "longer than %d characters", MaxNotes)
	case len(s.URL) > MaxURL:
		return fieldErr("url", "", nil, "longer than %d bytes", MaxURL)
	case !s.Alignment.Valid():
		return fieldErr("alignment", string(s.Alignment), nil, "want one of %s", join(Alignments()))
	case !s.Reliability.Valid():
		return fieldErr("reliability", string(s.Reliability), nil, "want a grade A–F")
	}
	return checkURL("url", s.URL)
}

// Claim is one source's statement that on a date a side held, or fought for, a settlement.
type Claim struct {
	// ID identifies the claim in the ledger; ids increase in the order claims are recorded.
	ID int64 `json:"id"`
	// SettlementID is the gazetteer id of the settlement.
	SettlementID string `json:"settlement"`
	// SourceID is the registry id of the source that made the claim.
	SourceID string `json:"source"`
	// Holder is the side the source says holds the settlement.
	Holder Holder `json:"holder"`
	// Degree says how far; empty only for a retraction or an unknown holder.
	Degree Degree `json:"degree,omitempty"`
	// ValidAt is the date the claim describes.
	ValidAt Date `json:"valid_at"`
	// ValidPrecision is how exactly ValidAt is known.
	ValidPrecision Precision `json:"valid_precision"`
	// PublishedAt is the date the source published the claim; never before ValidAt, never in the future.
	PublishedAt Date `json:"published_at"`
	// RecordedAt is when tiled stored the claim (set by the store).
	RecordedAt time.Time `json:"recorded_at,omitzero"`
	// RecordedBy says who wrote the claim into the ledger: the name of the write token for the HTTP API, "cli:USER"
	// for the command line ("cli:USER import FILE" for a CSV import); empty for claims recorded before tiled kept it.
	RecordedBy string `json:"recorded_by,omitempty"`
	// RelayedBy names the outlets that relayed the claim ("TASS; Kyiv Independent").
	RelayedBy string `json:"relayed_by,omitempty"`
	// RelayURL is the address of the relaying article; empty when not known.
	RelayURL string `json:"relay_url,omitempty"`
	// Evidence is what the claim rests on.
	Evidence Evidence `json:"evidence"`
	// Summary says what was claimed, in our own words.
	Summary string `json:"summary"`
	// Credibility is the information's Admiralty grade; CredibilityUnknown when not judged.
	Credibility Credibility `json:"credibility"`
	// Supersedes is the id of the claim this one replaces, or 0.
	Supersedes int64 `json:"supersedes,omitempty"`
	// Retracts is the id of the claim this one withdraws, or 0. A retraction is not a view of its own.
	Retracts int64 `json:"retracts,omitempty"`
	// EditorialReason, on a retraction, says why tiled's editors withdrew the claim ("recorded in error: …"): an
	// editorial retraction, made by an admin, not by the source. Empty for every other claim.
	EditorialReason string `json:"editorial_reason,omitempty"`
	// Report is where the claim was read, when it came from a report reviewed in the desk; nil otherwise.
	Report *Provenance `json:"report,omitempty"`
}

// MaxReason is the longest editorial reason, in characters.
const MaxReason = 500

// Provenance ties a claim to the report it was read from: the report's id, the proposal it was accepted from and the
// characters of the report that proposal rests on, and what the public may see of the report — its outlet, date
// and address, never its text.
type Provenance struct {
	// ReportID is the id of the stored report.
	ReportID int64 `json:"id"`
	// Proposal is the index of the proposed claim in the report's parse that the claim was accepted from.
	Proposal int `json:"proposal"`
	// Start and End are the span of the report's text the proposal came from, in characters.
	Start int `json:"start"`
	End   int `json:"end"`
	// Outlet is the report's outlet ("Kyiv Independent"); may be empty.
	Outlet string `json:"outlet,omitempty"`
	// Published is the report's date.
	Published Date `json:"published,omitzero"`
	// URL is the report's address; may be empty.
	URL string `json:"url,omitempty"`
}

// validate checks p's fields.
func (p *Provenance) validate() error {
	switch {
	case p.ReportID <= 0:
		return fieldErr("report", itoa(p.ReportID), nil, "want a report id")
	case p.Proposal < 0:
		return fieldErr("report", itoa(int64(p.Proposal)), nil, "want a proposal index ≥ 0")
	case p.Start < 0 || p.End < p.Start:
		return fieldErr("report", fmt.Sprintf("%d-%d", p.Start, p.End), nil, "want a span start ≤ end")
	case utf8.RuneCountInString(p.Outlet) > 200:
		return fieldErr("report", "", nil, "outlet longer than 200 characters")
	}
	return checkURL("report", p.URL)
}

// IsRetraction reports whether c withdraws another claim.
func (c Claim) IsRetraction() bool { return c.Retracts != 0 }

// Validate checks what can be checked of c on its own (not whether its settlement, source or corrected claim
// exist), with today as the latest allowed PublishedAt (zero: no limit). It returns a *FieldError for the first bad
// field.
func (c Claim) Validate(today Date) error {
	switch {
	case c.ID < 0:
		return fieldErr("id", itoa(c.ID), nil, "want a positive integer")
	case c.SettlementID == "":
		return fieldErr("settlement", "", nil, "required")
	case len(c.SettlementID) > MaxID:
		return fieldErr("settlement", "", nil, "longer than %d characters", MaxID)
	case c.SourceID == "":
		return fieldErr("source", "", nil, "required")
	case len(c.SourceID) > MaxID:
		return fieldErr("source", "", nil, "longer than %d characters", MaxID)
	case !c.Holder.Valid():
		return fieldErr("holder", string(c.Holder), nil, "want one of %s", join(Holders()))
	case c.Degree != "" && !c.Degree.Valid():
		return fieldErr("degree", string(c.Degree), nil, "want one of %s", join(Degrees()))
	case c.Degree == "" && c.Holder != HolderUnknown && !c.IsRetraction():
		return fieldErr("degree", "", nil, "required unless the holder is unknown or the claim is a retraction; want one of %s", join(Degrees()))
	case c.ValidAt.IsZero():
		return fieldErr("valid_at", "", nil, "required (YYYY-MM-DD)")
	case c.ValidAt.Before(EarliestDate):
		return fieldErr("valid_at", c.ValidAt.String(), nil, "before %s", EarliestDate)
	case !c.ValidPrecision.Valid():
		return fieldErr("valid_precision", string(c.ValidPrecision), nil, "want one of %s", join(Precisions()))
	case c.PublishedAt.IsZero():
		return fieldErr("published_at", "", nil, "required (YYYY-MM-DD)")
	case c.PublishedAt.Before(EarliestDate):
		return fieldErr("published_at", c.PublishedAt.String(), nil, "before %s", EarliestDate)
	case !today.IsZero() && c.PublishedAt.After(today):
		return fieldErr("published_at", c.PublishedAt.String(), nil, "in the future (today is %s)", today)
	case c.ValidAt.After(c.PublishedAt):
		return fieldErr("valid_at", c.ValidAt.String(), nil, "after published_at %s: a claim cannot describe a day after it was published", c.PublishedAt)
	case !c.Evidence.Valid():
		return fieldErr("evidence", string(c.Evidence), nil, "want one of %s", join(Evidences()))
	case c.Summary == "":
		return fieldErr("summary", "", nil, "required: say what was claimed, in our own words")
	case utf8.RuneCountInString(c.Summary) > MaxSummary:
		return fieldErr("summary", "", nil, "longer than %d characters: summarise, do not copy", MaxSummary)
	case utf8.RuneCountInString(c.RelayedBy) > MaxNotes:
		return fieldErr("relayed_by", "", nil, "longer than %d characters", MaxNotes)
	case len(c.RelayURL) > MaxURL:
		return fieldErr("relay_url", "", nil, "longer than %d bytes", MaxURL)
	case !c.Credibility.Valid():
		return fieldErr("credibility", itoa(int64(c.Credibility)), nil, "want a grade 1–6")
	case c.Supersedes < 0:
		return fieldErr("supersedes", itoa(c.Supersedes), nil, "want a claim id")
	case c.Retracts < 0:
		return fieldErr("retracts", itoa(c.Retracts), nil, "want a claim id")
	case c.Supersedes != 0 && c.Retracts != 0:
		return fieldErr("retracts", itoa(c.Retracts), nil, "a claim supersedes or retracts, not both")
	case c.ID != 0 && (c.Supersedes == c.ID || c.Retracts == c.ID):
		return fieldErr("supersedes", itoa(c.ID), nil, "a claim cannot correct itself")
	case c.EditorialReason != "" && !c.IsRetraction():
		return fieldErr("editorial_reason", "", nil, "only a retraction carries an editorial reason")
	case utf8.RuneCountInString(c.EditorialReason) > MaxReason:
		return fieldErr("editorial_reason", "", nil, "longer than %d characters", MaxReason)
	}
	if c.Report != nil {
		if err := c.Report.validate(); err != nil {
			return err
		}
	}
	return checkURL("relay_url", c.RelayURL)
}

func checkURL(field, s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fieldErr(field, s, nil, "want an absolute http or https URL")
	}
	return nil
}
