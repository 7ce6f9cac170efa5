package atlas

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"

	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/internal/strictjson"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/report"
)

// ReportStore is what the atlas needs to keep reports.
type ReportStore = report.Store

// MaxReportBodyBytes bounds the body of POST /api/reports: the longest text the parser reads and its fields.
const MaxReportBodyBytes = report.MaxTextBytes + 16<<10

// ReportInput is the JSON body of POST /api/reports.
type ReportInput struct {
	// Text is the report as plain text (required).
	Text string `json:"text"`
	// Title, Outlet and URL say where it came from.
	Title  string `json:"title"`
	Outlet string `json:"outlet"`
	URL    string `json:"url"`
	// PublishedAt is YYYY-MM-DD; empty to read it from the text.
	PublishedAt string `json:"published_at"`
	// Language is en, ru or uk; empty to detect it.
	Language string `json:"language"`
}

// ReportListItem is one report in GET /api/reports.
type ReportListItem struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	Outlet      string `json:"outlet"`
	URL         string `json:"url"`
	PublishedAt string `json:"published_at"`
	Language    string `json:"language"`
	RecordedAt  string `json:"recorded_at"`
	RecordedBy  string `json:"recorded_by"`
}

// Parser returns a report parser over the gazetteer and the current source registry.
func (a *Atlas) Parser(ctx context.Context) (*report.Parser, error) {
	srcs, err := a.deps.Ledger.Sources(ctx)
	if err != nil {
		return nil, err
	}
	var aliases []report.Alias
	if a.deps.Aliases != nil {
		if aliases, err = a.deps.Aliases.SourceAliases(ctx); err != nil {
			return nil, err
		}
	}
	return report.New(a.deps.Places, srcs, a.cfg.Now, aliases...)
}

// AddSourceAlias adds an alias to a registered source from a JSON body {"alias": "…"} (POST
// /api/sources/{id}/aliases), so that the report parser finds the source under that name too.
func (a *Atlas) AddSourceAlias(ctx context.Context, id string, body io.Reader) (report.Alias, error) {
	if a.deps.Aliases == nil {
		return report.Alias{}, fmt.Errorf("%w: this server keeps no source aliases", ErrNotFound)
	}
	var in struct {
		Alias string `json:"alias"`
	}
	if err := strictjson.Decode(body, MaxBodyBytes, &in); err != nil {
		if errors.Is(err, strictjson.ErrTooLarge) {
			return report.Alias{}, ErrBodyTooLarge
		}
		return report.Alias{}, fmt.Errorf("%w: %v (want {\"alias\": \"…\"})", ErrBadRequest, err)
	}
	al := report.Alias{Source: id, Alias: in.Alias}
	if err := a.deps.Aliases.AddSourceAlias(ctx, al); err != nil {
		return al, err
	}
	return al, nil
}

// ParseReportInput reads and checks a report body: one JSON object with the ReportInput members and no others,
// decoded strictly (internal/strictjson).
func ParseReportInput(body io.Reader) (ReportInput, error) {
	var in ReportInput
	if err := strictjson.Decode(body, MaxReportBodyBytes, &in); err != nil {
		if errors.Is(err, strictjson.ErrTooLarge) {
			return in, ErrBodyTooLarge
		}
		return in, fmt.Errorf("%w: %v (want {\"text\", \"title\", \"outlet\", \"url\", \"published_at\", \"language\"})", ErrBadRequest, err)
	}
	if in.URL != "" {
		u, err := url.Parse(in.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return in, fmt.Errorf("%w: url %q: want an http or https address", report.ErrInvalid, in.URL)
		}
	}
	if len(in.Title) > 1000 || len(in.Outlet) > 200 || len(in.URL) > 2000 {
		return in, fmt.Errorf("%w: title, outlet or url too long", report.ErrInvalid)
	}
	if err := report.CheckText(in.Text); err != nil {
		return in, err
	}
	return in, report.CheckLanguage(in.Language)
}

// Options turns the input into parser options; now is today's clock for the future-date check.
func (in ReportInput) Options(today ledger.Date) (report.Options, error) {
	opts := report.Options{Outlet: in.Outlet, Language: in.Language}
	if in.PublishedAt != "" {
		d, err := ledger.ParseDate(in.PublishedAt)
		if err != nil {
			return opts, fmt.Errorf("%w: published_at %q: want YYYY-MM-DD", report.ErrInvalid, in.PublishedAt)
		}
		if d.After(today) {
			return opts, fmt.Errorf("%w: published_at %s is in the future", report.ErrInvalid, in.PublishedAt)
		}
		opts.Published = d
	}
	return opts, nil
}

func (a *Atlas) reportStore() (report.Store, error) {
	if a.deps.Reports == nil {
		return nil, fmt.Errorf("%w: this server keeps no reports", ErrNotFound)
	}
	return a.deps.Reports, nil
}

// AddReport parses the report in body and stores it with what was found, as the token's write. Nothing is stored
// when the body, the text or a field is bad.
func (a *Atlas) AddReport(ctx context.Context, tok auth.Token, body io.Reader) (report.Stored, error) {
	st, err := a.reportStore()
	if err != nil {
		return report.Stored{}, err
	}
	in, err := ParseReportInput(body)
	if err != nil {
		return report.Stored{}, err
	}
	opts, err := in.Options(a.today())
	if err != nil {
		return report.Stored{}, err
	}
	p, err := a.Parser(ctx)
	if err != nil {
		return report.Stored{}, err
	}
	res, err := p.Parse(ctx, in.Text, opts)
	if err != nil {
		return report.Stored{}, err
	}
	return st.AddReport(ctx, report.Stored{Title: in.Title, Outlet: in.Outlet, URL: in.URL, PublishedAt: res.Published,
		Text: in.Text, RecordedBy: tok.Name, Result: res})
}

// Report list pages: GET /api/reports?limit=N&before=ID.
const (
	// DefaultReportsLimit is a page's size when limit is not given.
	DefaultReportsLimit = 100
	// MaxReportsLimit is the largest page.
	MaxReportsLimit = 500
)

// ReportList is a page of the stored reports, newest first.
type ReportList struct {
	// Reports are the page's reports.
	Reports []ReportListItem `json:"reports"`
	// Next is the query of the next page ("before=ID&limit=N"), empty on the last page.
	Next string `json:"next,omitempty"`
}

// Reports lists the stored reports, newest first, a page at a time: limit (1–MaxReportsLimit, default
// DefaultReportsLimit) reports with ids below before (the previous page's last id; none for the first page).
func (a *Atlas) Reports(ctx context.Context, q url.Values) (ReportList, error) {
	var list ReportList
	if err := onlyParams(q, map[string]bool{"limit": true, "before": true}); err != nil {
		return list, err
	}
	page := report.Page{Limit: DefaultReportsLimit}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxReportsLimit {
			return list, paramErr("limit", v, "want an integer from 1 to %d", MaxReportsLimit)
		}
		page.Limit = n
	}
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return list, paramErr("before", v, "want a report id, a positive integer (the next link gives it)")
		}
		page.Before = n
	}
	st, err := a.reportStore()
	if err != nil {
		return list, err
	}
	rs, err := st.Reports(ctx, report.Page{Before: page.Before, Limit: page.Limit + 1}) // one more: is there a next page?
	if err != nil {
		return list, err
	}
	if len(rs) > page.Limit {
		rs = rs[:page.Limit]
		list.Next = "before=" + strconv.FormatInt(rs[len(rs)-1].ID, 10) + "&limit=" + strconv.Itoa(page.Limit)
	}
	list.Reports = make([]ReportListItem, 0, len(rs))
	for _, r := range rs {
		list.Reports = append(list.Reports, ReportListItem{ID: r.ID, Title: r.Title, Outlet: r.Outlet, URL: r.URL, PublishedAt: r.PublishedAt,
			Language: r.Language, RecordedAt: r.RecordedAt.Format("2006-01-02T15:04:05Z"), RecordedBy: r.RecordedBy})
	}
	return list, nil
}

// Report returns one stored report with its text, places and claims.
func (a *Atlas) Report(ctx context.Context, id string, q url.Values) (report.Stored, error) {
	if err := onlyParams(q, nil); err != nil {
		return report.Stored{}, err
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n < 1 {
		return report.Stored{}, paramErr("id", id, "want a positive integer")
	}
	st, err := a.reportStore()
	if err != nil {
		return report.Stored{}, err
	}
	return st.Report(ctx, n)
}
