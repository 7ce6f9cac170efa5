package sqlite_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/ledger"
)

// A correction or retraction comes from the source of the claim it corrects (issue 13: a claim by isw retracting
// one by ru-mod flipped Sudzha).
func TestCorrectionSameSource(t *testing.T) {
	ctx := context.Background()
	db, rec := ledgerDB(t)
	importClaims(t, rec, "1,ru-krs-sudzha,ru-mod,ru,full,2025-03-13,day,2025-03-13,,,official-statement,Retook Sudzha.,,,\n")
	base := ledger.Claim{SettlementID: "ru-krs-sudzha", Holder: ledger.HolderUnknown, ValidAt: ledger.MakeDate(2025, 3, 14),
		PublishedAt: ledger.MakeDate(2025, 3, 14), Evidence: ledger.EvidenceAnalystAssessment, Summary: "Withdrawn."}
	for _, tt := range []struct {
		name  string
		edit  func(c *ledger.Claim)
		field string // "" for success
	}{
		{"another source retracts", func(c *ledger.Claim) { c.SourceID, c.Retracts = "isw", 1 }, "source"},
		{"another source supersedes", func(c *ledger.Claim) {
			c.SourceID, c.Supersedes, c.Holder, c.Degree = "isw", 1, ledger.HolderUA, ledger.DegreeFull
		}, "source"},
		{"editorial reason on a claim that retracts nothing", func(c *ledger.Claim) { c.SourceID, c.EditorialReason = "ru-mod", "typo" }, "editorial_reason"},
		{"the same source retracts", func(c *ledger.Claim) { c.SourceID, c.Retracts = "ru-mod", 1 }, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			tt.edit(&c)
			before := testdb.Snapshot(t, db)
			_, err := rec.AddClaim(ctx, c)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("AddClaim = %v, want success", err)
				}
				return
			}
			var fe *ledger.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("AddClaim error = %v, want a field error on %s", err, tt.field)
			}
			if testdb.Snapshot(t, db) != before {
				t.Error("the store changed after a refused correction")
			}
		})
	}
}

// Provenance and an editorial reason survive the round trip; a proposal becomes at most one claim, and two
// editors accepting it at once see one win and the other told who won.
func TestProvenanceAndReviews(t *testing.T) {
	ctx := context.Background()
	db, rec := ledgerDB(t)
	prov := &ledger.Provenance{ReportID: 7, Proposal: 2, Start: 10, End: 42, Outlet: "Kyiv Independent",
		Published: ledger.MakeDate(2025, 3, 19), URL: "https://example.org/r"}
	c := ledger.Claim{SettlementID: "ru-bel-demidovka", SourceID: "ru-mod", Holder: ledger.HolderRU,
		Degree: ledger.DegreeAttackRepelled, ValidAt: ledger.MakeDate(2025, 3, 18), PublishedAt: ledger.MakeDate(2025, 3, 18),
		Evidence: ledger.EvidenceOfficialStatement, Summary: "Said an attack toward the village was repelled.", Report: prov}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cc := c
			cc.RecordedBy = []string{"alice", "bob"}[i]
			cc.Summary += []string{"", " (bob)"}[i]
			_, errs[i] = rec.AddClaim(ctx, cc)
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		var re *ledger.ReviewedError
		switch {
		case err == nil:
			won++
		case errors.As(err, &re):
			if re.First.Decision != ledger.DecisionAccepted || re.First.ClaimID == 0 {
				t.Errorf("ReviewedError = %+v, want the accepted claim", re.First)
			}
		default:
			t.Errorf("concurrent accept: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d of 2 concurrent accepts won, want 1 (errors %v)", won, errs)
	}
	claims, err := db.Ledger().Claims(ctx, ledger.ClaimFilter{Settlement: "ru-bel-demidovka"})
	if err != nil || len(claims) != 1 {
		t.Fatalf("Claims = %d, %v; want 1", len(claims), err)
	}
	if got := claims[0].Report; got == nil || *got != *prov {
		t.Errorf("stored provenance = %+v, want %+v", got, prov)
	}
	if err := db.Reviews().Reject(ctx, ledger.Review{ReportID: 7, Proposal: 2, By: "carol"}); !errors.Is(err, ledger.ErrReviewed) {
		t.Errorf("Reject(accepted proposal) = %v, want ErrReviewed", err)
	}
	if err := db.Reviews().Reject(ctx, ledger.Review{ReportID: 7, Proposal: 3, By: "carol", Reason: "not a claim"}); err != nil {
		t.Fatal(err)
	}
	rvs, err := db.Reviews().Reviews(ctx, 7)
	if err != nil || len(rvs) != 2 || rvs[0].Decision != ledger.DecisionAccepted || rvs[1].Decision != ledger.DecisionRejected || rvs[1].Reason != "not a claim" {
		t.Errorf("Reviews = %+v, %v", rvs, err)
	}
	if n, _ := db.Reviews().ReviewCounts(ctx); n[7] != 2 {
		t.Errorf("ReviewCounts = %v, want 7:2", n)
	}
	ed, err := rec.AddClaim(ctx, ledger.Claim{SettlementID: "ru-bel-demidovka", SourceID: "ru-mod", Holder: ledger.HolderUnknown,
		ValidAt: ledger.MakeDate(2025, 3, 18), PublishedAt: ledger.MakeDate(2025, 3, 20), Evidence: ledger.EvidenceOfficialStatement,
		Summary: "Withdrawn by the editors.", Retracts: claims[0].ID, EditorialReason: "wrong village"})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := db.Ledger().Claims(ctx, ledger.ClaimFilter{})
	if last := all[len(all)-1]; last.ID != ed.ID || last.EditorialReason != "wrong village" || last.Report != nil {
		t.Errorf("stored editorial retraction = %+v", last)
	}
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	now := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	svc := auth.Service{Store: db.Tokens()}
	ses := auth.Sessions{Tokens: svc, Store: db.Tokens(), TTL: time.Hour, Now: func() time.Time { return now }}
	secret, tok, err := svc.CreateRole(ctx, "alice", auth.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ses.SignIn(ctx, "tiled_not-a-token"); !errors.Is(err, auth.ErrBadToken) {
		t.Errorf("SignIn(bad) = %v, want ErrBadToken", err)
	}
	cookie, s, err := ses.SignIn(ctx, "  "+secret+"\n")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ses.Check(ctx, cookie)
	if err != nil || got.ID != s.ID || got.Token.ID != tok.ID || got.Token.Role != auth.RoleEditor {
		t.Fatalf("Check = %+v, %v", got, err)
	}
	if snap := testdb.Snapshot(t, db); containsAny(snap, cookie, secret) {
		t.Error("a session or token secret is stored in the database")
	}
	if list, _ := db.Tokens().Sessions(ctx, now); len(list) != 1 || list[0].Token.Name != "alice" {
		t.Errorf("Sessions = %+v, want alice's", list)
	}
	now = now.Add(time.Hour)
	if _, err := ses.Check(ctx, cookie); !errors.Is(err, auth.ErrSessionExpired) {
		t.Errorf("Check(after TTL) = %v, want ErrSessionExpired", err)
	}
	cookie2, _, _ := ses.SignIn(ctx, secret)
	if err := ses.SignOut(ctx, cookie2); err != nil {
		t.Fatal(err)
	}
	if _, err := ses.Check(ctx, cookie2); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("Check(signed out) = %v, want ErrNoSession", err)
	}
	cookie3, _, _ := ses.SignIn(ctx, secret)
	if err := db.Tokens().RevokeToken(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := ses.Check(ctx, cookie3); !errors.Is(err, auth.ErrRevoked) {
		t.Errorf("Check(token revoked mid-session) = %v, want ErrRevoked", err)
	}
	if list, _ := db.Tokens().Sessions(ctx, now); len(list) != 0 {
		t.Errorf("Sessions after revoke = %+v, want none", list)
	}
	if _, err := ses.Check(ctx, "tiledsess_unknown"); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("Check(unknown) = %v, want ErrNoSession", err)
	}
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if x != "" && strings.Contains(s, x) {
			return true
		}
	}
	return false
}
