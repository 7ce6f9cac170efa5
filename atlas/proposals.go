package atlas

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/report"
)

// The desk's review of a report's proposed claims. Accepting a proposal records the claim, as edited by the editor,
// through the same ledger write as AddClaim, with its provenance (the report, the proposal and the words it came
// from); the store records the decision in the same transaction, so a proposal is decided once.

// ReviewedReport is a stored report as the desk reviews it: the report, what the parser found, the places its
// mentions may mean (with coordinates, for the mini-map) and the decisions taken so far.
type ReviewedReport struct {
	report.Stored
	// Gazetteer holds every settlement a mention or a proposal names, alternatives included, by id.
	Gazetteer map[string]GeocodeMatch `json:"gazetteer"`
	// Reviews are the decisions about the proposals, by proposal index.
	Reviews []ledger.Review `json:"reviews"`
}

// QueueItem is a report in the desk's queue.
type QueueItem struct {
	ReportListItem
	// Proposals is how many claims the parser proposed; Reviewed how many have been decided.
	Proposals int `json:"proposals"`
	Reviewed  int `json:"reviewed"`
}

// maxQueue bounds the reports the queue looks at (the newest).
const maxQueue = 200

func (a *Atlas) reviews() (ReviewStore, error) {
	if a.deps.Reviews == nil {
		return nil, ErrDeskDisabled
	}
	return a.deps.Reviews, nil
}

// Queue lists the reports whose proposals are not all reviewed, newest first.
func (a *Atlas) Queue(ctx context.Context) ([]QueueItem, error) {
	st, err := a.reportStore()
	if err != nil {
		return nil, err
	}
	rv, err := a.reviews()
	if err != nil {
		return nil, err
	}
	rs, err := st.Reports(ctx, report.Page{Limit: maxQueue})
	if err != nil {
		return nil, err
	}
	counts, err := rv.ReviewCounts(ctx)
	if err != nil {
		return nil, err
	}
	out := []QueueItem{}
	for _, r := range rs[:min(len(rs), maxQueue)] {
		full, err := st.Report(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		if len(full.Claims) > 0 && counts[r.ID] >= len(full.Claims) {
			continue
		}
		out = append(out, QueueItem{ReportListItem: ReportListItem{ID: r.ID, Title: r.Title, Outlet: r.Outlet, URL: r.URL,
			PublishedAt: r.PublishedAt, Language: r.Language, RecordedAt: r.RecordedAt.Format("2006-01-02T15:04:05Z"),
			RecordedBy: r.RecordedBy}, Proposals: len(full.Claims), Reviewed: counts[r.ID]})
	}
	return out, nil
}

// ReviewReport returns report id with the places its mentions may mean and the decisions so far.
func (a *Atlas) ReviewReport(ctx context.Context, id string) (ReviewedReport, error) {
	r, err := a.Report(ctx, id, nil)
	if err != nil {
		return ReviewedReport{}, err
	}
	rv, err := a.reviews()
	if err != nil {
		return ReviewedReport{}, err
	}
	out := ReviewedReport{Stored: r, Gazetteer: map[string]GeocodeMatch{}}
	if out.Reviews, err = rv.Reviews(ctx, r.ID); err != nil {
		return out, err
	}
	var ids []string
	for _, p := range r.Places {
		if p.Kind == report.KindRegion {
			continue
		}
		if p.ID != nil {
			ids = append(ids, *p.ID)
		}
		ids = append(ids, p.Alternatives...)
	}
	for _, c := range r.Claims {
		ids = append(ids, c.Settlement)
	}
	for _, pid := range ids {
		if _, ok := out.Gazetteer[pid]; ok || pid == "" {
			continue
		}
		p, err := a.place(ctx, pid)
		if err != nil {
			continue // a place gone from the gazetteer since the parse: the card says the settlement is unknown
		}
		out.Gazetteer[pid] = GeocodeMatch{ID: p.ID, Name: p.Name, Lat: p.Point.Lat(), Lon: p.Point.Lon(), Country: p.Country,
			Admin1: p.Admin1, Admin2: p.Admin2, Approximate: p.Approximate, PrecisionKM: p.PrecisionKM, Reasons: []string{}}
	}
	return out, nil
}

// proposal loads report reportID and its proposal number n.
func (a *Atlas) proposal(ctx context.Context, reportID, n string) (report.Stored, int, error) {
	r, err := a.Report(ctx, reportID, nil)
	if err != nil {
		return r, 0, err
	}
	i, err := strconv.Atoi(n)
	if err != nil || i < 0 {
		return r, 0, paramErr("proposal", n, "want a proposal index (0, 1, …)")
	}
	if i >= len(r.Claims) {
		return r, 0, fmt.Errorf("%w: report %d has %d proposals; no proposal %d", ErrNotFound, r.ID, len(r.Claims), i)
	}
	return r, i, nil
}

// AcceptProposal records proposal n of report reportID as the claim in body (the claims CSV columns as members,
// as the editor edited them: POST /api/claims's body), with its provenance, as the token's write. A proposal
// already decided gives an error matching ledger.ErrReviewed that names the first decision.
func (a *Atlas) AcceptProposal(ctx context.Context, tok auth.Token, reportID, n string, body io.Reader) (ledger.Claim, error) {
	c, err := parseClaimBody(body)
	if err != nil {
		return c, err
	}
	r, i, err := a.proposal(ctx, reportID, n)
	if err != nil {
		return c, err
	}
	if _, err := a.reviews(); err != nil {
		return c, err
	}
	pc := r.Claims[i]
	prov := &ledger.Provenance{ReportID: r.ID, Proposal: i, Start: pc.Start, End: pc.End, Outlet: r.Outlet, URL: r.URL}
	if d, err := ledger.ParseDate(r.PublishedAt); err == nil {
		prov.Published = d
	}
	c.Report = prov
	c.RecordedBy = tok.Name
	return a.record(ctx, c)
}

// Rejection is the body of a proposal's rejection.
type Rejection struct {
	// Reason says why the proposal is not a claim; may be empty.
	Reason string `json:"reason"`
}

// RejectProposal records that proposal n of report reportID is not to be recorded.
func (a *Atlas) RejectProposal(ctx context.Context, tok auth.Token, reportID, n string, body io.Reader) (ledger.Review, error) {
	var rj Rejection
	if err := decodeStrict(body, &rj); err != nil {
		return ledger.Review{}, err
	}
	rj.Reason = strings.TrimSpace(rj.Reason)
	if utf8.RuneCountInString(rj.Reason) > ledger.MaxReason {
		return ledger.Review{}, &ledger.FieldError{Field: "reason", Msg: fmt.Sprintf("longer than %d characters", ledger.MaxReason)}
	}
	r, i, err := a.proposal(ctx, reportID, n)
	if err != nil {
		return ledger.Review{}, err
	}
	rv, err := a.reviews()
	if err != nil {
		return ledger.Review{}, err
	}
	review := ledger.Review{ReportID: r.ID, Proposal: i, Decision: ledger.DecisionRejected, By: tok.Name,
		At: a.cfg.Now().UTC(), Reason: rj.Reason}
	return review, rv.Reject(ctx, review)
}
