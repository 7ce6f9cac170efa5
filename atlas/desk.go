package atlas

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/internal/strictjson"
	"github.com/tiled-maps/tiled/ledger"
)

// ReviewStore keeps the desk's decisions about proposed claims. Accepting a proposal is a claim with provenance,
// recorded through the ledger (whose store writes the review row in the same transaction); this store records
// rejections and answers what was decided.
type ReviewStore interface {
	// Reject records a rejection; a proposal already decided gives an error matching ledger.ErrReviewed.
	Reject(ctx context.Context, rv ledger.Review) error
	// Reviews returns the decisions about a report's proposals, by proposal index.
	Reviews(ctx context.Context, report int64) ([]ledger.Review, error)
	// ReviewCounts returns how many proposals of each report have been decided.
	ReviewCounts(ctx context.Context) (map[int64]int, error)
}

// ErrDeskDisabled is returned by the desk's calls when the atlas has no session or review store.
var ErrDeskDisabled = fmt.Errorf("%w: the desk is not available on this server", ErrNotFound)

func (a *Atlas) sessions() (auth.Sessions, error) {
	if a.deps.Sessions == nil {
		return auth.Sessions{}, ErrDeskDisabled
	}
	return auth.Sessions{Tokens: auth.Service{Store: a.deps.Tokens}, Store: a.deps.Sessions, TTL: a.cfg.SessionTTL,
		Now: a.cfg.Now}, nil
}

// SignIn checks a pasted token and opens a desk session, returning the session's secret for the cookie.
func (a *Atlas) SignIn(ctx context.Context, token string) (string, auth.Session, error) {
	s, err := a.sessions()
	if err != nil {
		return "", auth.Session{}, err
	}
	return s.SignIn(ctx, token)
}

// Session returns the live session a cookie's secret names (auth.ErrNoSession, auth.ErrSessionExpired or
// auth.ErrRevoked otherwise).
func (a *Atlas) Session(ctx context.Context, secret string) (auth.Session, error) {
	s, err := a.sessions()
	if err != nil {
		return auth.Session{}, err
	}
	return s.Check(ctx, secret)
}

// SignOut ends the session a cookie's secret names.
func (a *Atlas) SignOut(ctx context.Context, secret string) error {
	s, err := a.sessions()
	if err != nil {
		return err
	}
	return s.SignOut(ctx, secret)
}

// Retraction is the body of a retraction request.
type Retraction struct {
	// Summary says what the source withdrew, or (editorial) what was recorded in error; required.
	Summary string `json:"summary"`
	// Editorial marks an editorial retraction: tiled's editors withdraw a claim recorded in error (admins only).
	// Summary is then the reason.
	Editorial bool `json:"editorial"`
	// PublishedAt is when the source withdrew the claim (a source's retraction); "" means today.
	PublishedAt string `json:"published_at"`
	// RelayURL is where the source's retraction was published; may be empty.
	RelayURL string `json:"relay_url"`
}

// Retract withdraws claim id. A source's retraction is recorded in the claim's own source's name (one source
// cannot withdraw another's claim); an editorial retraction ("recorded in error", with the reason) needs an admin
// token and is shown as such in the history.
func (a *Atlas) Retract(ctx context.Context, tok auth.Token, claimID string, body io.Reader) (ledger.Claim, error) {
	var r Retraction
	if err := decodeStrict(body, &r); err != nil {
		return ledger.Claim{}, err
	}
	id, err := strconv.ParseInt(claimID, 10, 64)
	if err != nil || id <= 0 {
		return ledger.Claim{}, paramErr("id", claimID, "want a claim id (a positive integer)")
	}
	r.Summary = strings.TrimSpace(r.Summary)
	if r.Summary == "" {
		return ledger.Claim{}, &ledger.FieldError{Field: "summary", Msg: "required: say what was withdrawn and why"}
	}
	if r.Editorial {
		if err := tok.Require(auth.RoleAdmin); err != nil {
			return ledger.Claim{}, fmt.Errorf("%w: an editorial retraction is an admin's action", err)
		}
		if utf8.RuneCountInString(r.Summary) > ledger.MaxReason {
			return ledger.Claim{}, &ledger.FieldError{Field: "summary", Msg: fmt.Sprintf("longer than %d characters", ledger.MaxReason)}
		}
	}
	published := a.today()
	if r.PublishedAt != "" && !r.Editorial {
		if published, err = ledger.ParseDate(r.PublishedAt); err != nil {
			return ledger.Claim{}, &ledger.FieldError{Field: "published_at", Value: r.PublishedAt, Msg: "want YYYY-MM-DD"}
		}
	}
	c, err := a.recorder.Retract(ctx, id, func(target ledger.Claim) (ledger.Claim, error) {
		c := ledger.Claim{SettlementID: target.SettlementID, SourceID: target.SourceID, Holder: ledger.HolderUnknown,
			ValidAt: target.ValidAt, ValidPrecision: target.ValidPrecision, PublishedAt: published,
			Evidence: target.Evidence, Summary: r.Summary, Retracts: id, RelayURL: r.RelayURL, RecordedBy: tok.Name}
		if published.Before(c.ValidAt) {
			c.ValidAt = published
		}
		if r.Editorial {
			c.EditorialReason = r.Summary
			c.Summary = "Withdrawn by tiled's editors: recorded in error."
		}
		return c, nil
	})
	if err != nil {
		return c, err
	}
	a.afterWrite(ctx)
	return c, nil
}

// record appends a validated claim as the write of one request and invalidates the tiles that show it.
func (a *Atlas) record(ctx context.Context, c ledger.Claim) (ledger.Claim, error) {
	stored, err := a.recorder.AddClaim(ctx, c)
	if err != nil {
		return stored, err
	}
	a.afterWrite(ctx)
	return stored, nil
}

// FeedEntry is one published claim in the desk's feed.
type FeedEntry struct {
	ledger.Claim
	// SettlementName is the settlement's name.
	SettlementName string `json:"settlement_name"`
}

// Feed returns the latest claims recorded, newest first (at most limit; 0 means 50): what was published, by whom,
// when.
func (a *Atlas) Feed(ctx context.Context, limit int) ([]FeedEntry, error) {
	if limit <= 0 || limit > MaxLimit {
		limit = 50
	}
	pix, _, err := a.state(ctx)
	if err != nil {
		return nil, err
	}
	all, err := a.deps.Ledger.Claims(ctx, ledger.ClaimFilter{})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(x, y ledger.Claim) int {
		if c := y.RecordedAt.Compare(x.RecordedAt); c != 0 {
			return c
		}
		return int(y.ID - x.ID)
	})
	out := []FeedEntry{}
	for _, c := range all[:min(limit, len(all))] {
		e := FeedEntry{Claim: c, SettlementName: c.SettlementID}
		if p, ok := pix.place(c.SettlementID); ok {
			e.SettlementName = p.Name
		}
		out = append(out, e)
	}
	return out, nil
}

// decodeStrict reads one JSON object into v with the strict decoder every JSON endpoint uses (internal/strictjson:
// unknown or repeated members, invalid UTF-8, lone surrogates and more than one value refused), at most
// MaxBodyBytes.
func decodeStrict(body io.Reader, v any) error {
	if err := strictjson.Decode(body, MaxBodyBytes, v); err != nil {
		if errors.Is(err, strictjson.ErrTooLarge) {
			return ErrBodyTooLarge
		}
		return fmt.Errorf("%w: body: %v", ErrBadRequest, err)
	}
	return nil
}

// Grade is the body of a source's grading.
type Grade struct {
	// Reliability is the NATO Admiralty grade, A–F.
	Reliability string `json:"reliability"`
}

// GradeSource sets the reliability grade of source id: an admin's action.
func (a *Atlas) GradeSource(ctx context.Context, tok auth.Token, id string, body io.Reader) (ledger.Source, error) {
	var g Grade
	if err := decodeStrict(body, &g); err != nil {
		return ledger.Source{}, err
	}
	if err := tok.Require(auth.RoleAdmin); err != nil {
		return ledger.Source{}, fmt.Errorf("%w: grading sources is an admin's action", err)
	}
	r, err := ledger.ParseReliability(g.Reliability)
	if err != nil {
		return ledger.Source{}, err
	}
	if err := a.recorder.SetReliability(ctx, id, r); err != nil {
		return ledger.Source{}, err
	}
	a.afterWrite(ctx)
	srcs, err := a.deps.Ledger.Sources(ctx)
	if err != nil {
		return ledger.Source{}, err
	}
	for _, s := range srcs {
		if s.ID == id {
			return s, nil
		}
	}
	return ledger.Source{}, fmt.Errorf("%w: source %q", ErrNotFound, id)
}

// TokenInfo is a token as an admin sees it in the desk: never its secret.
type TokenInfo struct {
	auth.Token
	// Sessions is how many live desk sessions it has.
	Sessions int `json:"sessions"`
}

// NewToken is the body of a token's creation.
type NewToken struct {
	// Name says whom the token is for; Role is editor or admin.
	Name string `json:"name"`
	Role string `json:"role"`
}

// Tokens lists every token with its live sessions: an admin's view.
func (a *Atlas) Tokens(ctx context.Context, tok auth.Token) ([]TokenInfo, error) {
	if err := tok.Require(auth.RoleAdmin); err != nil {
		return nil, fmt.Errorf("%w: managing tokens is an admin's action", err)
	}
	toks, err := a.deps.Tokens.Tokens(ctx)
	if err != nil {
		return nil, err
	}
	live := map[int64]int{}
	if a.deps.Sessions != nil {
		ss, err := a.deps.Sessions.Sessions(ctx, a.cfg.Now())
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			live[s.Token.ID]++
		}
	}
	out := make([]TokenInfo, 0, len(toks))
	for _, t := range toks {
		out = append(out, TokenInfo{Token: t, Sessions: live[t.ID]})
	}
	return out, nil
}

// CreateToken makes a token (an admin's action) and returns its secret, shown once.
func (a *Atlas) CreateToken(ctx context.Context, tok auth.Token, body io.Reader) (string, auth.Token, error) {
	var n NewToken
	if err := decodeStrict(body, &n); err != nil {
		return "", auth.Token{}, err
	}
	if err := tok.Require(auth.RoleAdmin); err != nil {
		return "", auth.Token{}, fmt.Errorf("%w: managing tokens is an admin's action", err)
	}
	role, err := auth.ParseRole(n.Role)
	if err != nil {
		return "", auth.Token{}, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	secret, t, err := auth.Service{Store: a.deps.Tokens}.CreateRole(ctx, n.Name, role)
	if errors.Is(err, auth.ErrInvalidName) {
		return "", t, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	return secret, t, err
}

// RevokeToken revokes the token named name and ends its sessions (an admin's action).
func (a *Atlas) RevokeToken(ctx context.Context, tok auth.Token, name string) error {
	if err := tok.Require(auth.RoleAdmin); err != nil {
		return fmt.Errorf("%w: managing tokens is an admin's action", err)
	}
	err := a.deps.Tokens.RevokeToken(ctx, name)
	if errors.Is(err, auth.ErrNotFound) {
		return fmt.Errorf("%w: token %q", ErrNotFound, name)
	}
	return err
}
