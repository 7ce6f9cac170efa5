package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/sqlite"
	"github.com/tiled-maps/tiled/web"
)

// testClock is a clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// deskEnv is a server with the desk over a seeded store, an editor and an admin token, and a moving clock.
type deskEnv struct {
	srv           *httptest.Server
	db            *sqlite.DB
	clock         *testClock
	editor, admin string
}

func newDeskEnv(t testing.TB, cfg web.Config) *deskEnv {
	t.Helper()
	db := testdb.Open(t)
	ctx := context.Background()
	if _, err := seed.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	// Real namesakes from elsewhere (testdata/namesakes.geojson, from shared/data/namesakes-sample.csv): a Demydivka
	// of Rivne Oblast, Popovka of Korochansky District, …, so that reports hold ambiguous mentions.
	b, err := os.ReadFile("testdata/namesakes.geojson")
	if err != nil {
		t.Fatal(err)
	}
	testdb.ImportGeoJSON(t, db, b, "namesakes.geojson")
	clock := &testClock{t: fixedNow}
	a := atlas.New(atlas.Config{CacheBytes: 16 << 20, Now: clock.now, SessionTTL: time.Hour},
		atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Sessions: db.Tokens(),
			Reviews: db.Reviews(), Reports: db.Reports(), Snapshot: db.Snapshot})
	if cfg.BasemapTiles == "" {
		cfg.BasemapTiles = "none"
	}
	s := web.New(cfg, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	svc := auth.Service{Store: db.Tokens()}
	editor, _, err := svc.CreateRole(ctx, "edna", auth.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	admin, _, err := svc.CreateRole(ctx, "ada", auth.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	return &deskEnv{srv: srv, db: db, clock: clock, editor: editor, admin: admin}
}

// deskClient is a browser-like client: a cookie jar, no redirects followed.
type deskClient struct {
	t    testing.TB
	e    *deskEnv
	http *http.Client
	csrf string
}

func (e *deskEnv) client(t testing.TB) *deskClient {
	jar, _ := cookiejar.New(nil)
	return &deskClient{t: t, e: e, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *deskClient) do(method, path, body string, hdr map[string]string) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// signIn loads the sign-in form and posts the token with the form's CSRF token.
func (c *deskClient) signIn(token string) *http.Response {
	c.t.Helper()
	_, page := c.do("GET", "/desk/signin", "", nil)
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		c.t.Fatalf("sign-in page has no CSRF field:\n%s", page)
	}
	c.csrf = m[1]
	resp, _ := c.do("POST", "/desk/signin", url.Values{"token": {token}, "_csrf": {c.csrf}}.Encode(),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	return resp
}

// post sends a JSON desk call with the CSRF header.
func (c *deskClient) post(path, body string) (*http.Response, string) {
	c.t.Helper()
	return c.do("POST", path, body, map[string]string{"Content-Type": "application/json", "X-CSRF-Token": c.csrf})
}

func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, ck := range resp.Cookies() {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

const deskClaim = `{"settlement":"ru-bel-demidovka","source":"isw","holder":"ua","degree":"presence","valid_at":"2025-04-08",
	"published_at":"2025-04-09","evidence":"analyst-assessment","summary":"ISW said Ukrainian forces were present."}`

func TestDeskSignInAndCSRF(t *testing.T) {
	e := newDeskEnv(t, web.Config{})
	c := e.client(t)
	// Without a session: the page sends to sign-in, the calls answer 401 and show nothing.
	if resp, _ := c.do("GET", "/desk", "", nil); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/desk/signin") {
		t.Fatalf("GET /desk signed out = %d %q, want 303 to /desk/signin", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, p := range []string{"/desk/api/feed", "/desk/api/me"} {
		if resp, body := c.do("GET", p, "", nil); resp.StatusCode != http.StatusUnauthorized || strings.Contains(body, "summary") {
			t.Errorf("GET %s signed out = %d %s, want 401 and nothing", p, resp.StatusCode, body)
		}
	}
	if resp := c.signIn("tiled_wrong"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("sign in with a bad token = %d, want 401", resp.StatusCode)
	}
	resp := c.signIn(e.editor)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/desk" {
		t.Fatalf("sign in = %d %q, want 303 to /desk", resp.StatusCode, resp.Header.Get("Location"))
	}
	ck := cookieNamed(resp, "tiled_session")
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Secure || ck.Path != "/desk" || ck.MaxAge <= 0 {
		t.Fatalf("session cookie = %+v, want HttpOnly, SameSite=Strict, not Secure over plain HTTP, path /desk, expiring", ck)
	}
	if strings.Contains(testdb.Snapshot(t, e.db), ck.Value) {
		t.Error("the session's secret is stored in the database")
	}
	resp, page := c.do("GET", "/desk", "", nil)
	if resp.StatusCode != 200 || !strings.Contains(page, `"token":"edna"`) {
		t.Fatalf("GET /desk signed in = %d, want the desk for edna:\n%s", resp.StatusCode, page)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("desk CSP = %q, want script-src 'self' and no unsafe-*", csp)
	}
	// State-changing calls need the CSRF token: without it, or cross-site, refused with the cookie.
	for name, hdr := range map[string]map[string]string{
		"no token":    {"Content-Type": "application/json"},
		"wrong token": {"Content-Type": "application/json", "X-CSRF-Token": "forged"},
		"cross-site":  {"Content-Type": "application/json", "X-CSRF-Token": c.csrf, "Sec-Fetch-Site": "cross-site"},
	} {
		resp, body := c.do("POST", "/desk/api/claims", deskClaim, hdr)
		// A request the browser marks cross-site is refused by the same-origin rule for writes before the CSRF check.
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `"csrf"`) && !strings.Contains(body, `"cross_origin"`) {
			t.Errorf("%s: POST /desk/api/claims = %d %s, want 403 csrf", name, resp.StatusCode, body)
		}
	}
	cross, body := c.do("POST", "/desk/signout", "lang=en", map[string]string{"Content-Type": "application/x-www-form-urlencoded",
		"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if cross.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site form post to sign-out = %d %s, want 403", cross.StatusCode, body)
	}
	resp, body = c.post("/desk/api/claims", deskClaim)
	if resp.StatusCode != http.StatusCreated || !strings.Contains(body, `"recorded_by":"edna"`) {
		t.Fatalf("POST /desk/api/claims = %d %s, want 201 recorded by edna", resp.StatusCode, body)
	}
	// A claim edited into an invalid one: the answer names the field and why.
	resp, body = c.post("/desk/api/claims", strings.Replace(deskClaim, `"holder":"ua"`, `"holder":"nobody"`, 1))
	var eb web.ErrorBody
	json.Unmarshal([]byte(body), &eb)
	if resp.StatusCode != http.StatusUnprocessableEntity || eb.Field != "holder" || !strings.Contains(eb.Description, "want one of") {
		t.Errorf("invalid claim = %d %+v, want 422 naming holder", resp.StatusCode, eb)
	}
	// Sign out: the session is over, the desk closed.
	resp, _ = c.do("POST", "/desk/signout", url.Values{"_csrf": {c.csrf}}.Encode(), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out = %d, want 303", resp.StatusCode)
	}
	c.http.Jar.SetCookies(mustURL(e.srv.URL+"/desk"), []*http.Cookie{ck}) // a stolen copy of the old cookie
	if resp, _ := c.do("GET", "/desk/api/feed", "", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("old session after sign-out = %d, want 401", resp.StatusCode)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestDeskSessionEnds(t *testing.T) {
	e := newDeskEnv(t, web.Config{})
	c := e.client(t)
	c.signIn(e.editor)
	if resp, _ := c.do("GET", "/desk/api/me", "", nil); resp.StatusCode != 200 {
		t.Fatalf("me = %d", resp.StatusCode)
	}
	e.clock.add(time.Hour)
	resp, body := c.do("GET", "/desk/api/me", "", nil)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "session_expired") {
		t.Errorf("after expiry: %d %s, want 401 session_expired", resp.StatusCode, body)
	}
	c.signIn(e.editor)
	if resp, _ := c.do("GET", "/desk", "", nil); resp.StatusCode != 200 {
		t.Fatalf("desk after signing in again = %d", resp.StatusCode)
	}
	if err := e.db.Tokens().RevokeToken(context.Background(), "edna"); err != nil {
		t.Fatal(err)
	}
	resp, body = c.post("/desk/api/claims", deskClaim)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "token_revoked") {
		t.Errorf("write after the token was revoked mid-session = %d %s, want 403 token_revoked", resp.StatusCode, body)
	}
	if resp, _ := c.do("GET", "/desk", "", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("desk after revocation = %d, want 303 to sign-in", resp.StatusCode)
	}
}

func TestDeskSecureCookieBehindTrustedProxy(t *testing.T) {
	e := newDeskEnv(t, web.Config{TrustedProxies: mustPrefixes("127.0.0.1/32")})
	c := e.client(t)
	_, page := c.do("GET", "/desk/signin", "", map[string]string{"X-Forwarded-Proto": "https"})
	m := csrfInput.FindStringSubmatch(page)
	resp, _ := c.do("POST", "/desk/signin", url.Values{"token": {e.editor}, "_csrf": {m[1]}}.Encode(),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-Proto": "https"})
	if ck := cookieNamed(resp, "tiled_session"); ck == nil || !ck.Secure {
		t.Errorf("behind a trusted TLS proxy: session cookie = %+v, want Secure", ck)
	}
	e2 := newDeskEnv(t, web.Config{})
	c2 := e2.client(t)
	_, page = c2.do("GET", "/desk/signin", "", map[string]string{"X-Forwarded-Proto": "https"})
	m = csrfInput.FindStringSubmatch(page)
	resp, _ = c2.do("POST", "/desk/signin", url.Values{"token": {e2.editor}, "_csrf": {m[1]}}.Encode(),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-Proto": "https"})
	if ck := cookieNamed(resp, "tiled_session"); ck == nil || ck.Secure {
		t.Errorf("X-Forwarded-Proto from an untrusted peer: cookie = %+v, want it not to be believed", ck)
	}
}

// Corrections come from the claim's own source; editorial retractions are an admin's, with a reason in the history.
func TestRetractSameSourceAndEditorial(t *testing.T) {
	e := newDeskEnv(t, web.Config{})
	ctx := context.Background()
	claims, err := e.db.Ledger().Claims(ctx, ledgerFilter("486816"))
	if err != nil || len(claims) < 2 {
		t.Fatalf("seed claims about Sudzha: %d, %v", len(claims), err)
	}
	var ruMod int64
	for _, c := range claims {
		if c.SourceID == "ru-mod" && c.Retracts == 0 {
			ruMod = c.ID
		}
	}
	api := func(token, path, body string) (int, string) {
		req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// Issue 13: a claim by isw retracting one by ru-mod.
	forged := `{"settlement":"486816","source":"isw","holder":"unknown","valid_at":"2025-03-14","published_at":"2025-03-14",
		"evidence":"analyst-assessment","summary":"Withdrawn.","retracts":"` + itoa(ruMod) + `"}`
	if st, body := api(e.editor, "/api/claims", forged); st != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"source"`) {
		t.Errorf("isw retracting ru-mod's claim = %d %s, want 422 on source", st, body)
	}
	if st, body := api(e.editor, "/api/claims/"+itoa(ruMod)+"/retract", `{"summary":"typo","editorial":true}`); st != http.StatusForbidden {
		t.Errorf("editorial retraction by an editor = %d %s, want 403", st, body)
	}
	st, body := api(e.admin, "/api/claims/"+itoa(ruMod)+"/retract", `{"summary":"recorded against the wrong village","editorial":true}`)
	if st != http.StatusCreated || !strings.Contains(body, `"editorial_reason":"recorded against the wrong village"`) || !strings.Contains(body, `"source":"ru-mod"`) {
		t.Fatalf("editorial retraction by an admin = %d %s", st, body)
	}
	// Grading sources is an admin's action too.
	if st, body := api(e.editor, "/api/sources/isw/grade", `{"reliability":"A"}`); st != http.StatusForbidden {
		t.Errorf("grade by an editor = %d %s, want 403", st, body)
	}
	if st, body := api(e.admin, "/api/sources/isw/grade", `{"reliability":"A"}`); st != http.StatusOK || !strings.Contains(body, `"reliability":"A"`) {
		t.Errorf("grade by an admin = %d %s, want 200 with grade A", st, body)
	}
	if st, body := api(e.admin, "/api/sources/isw/grade", `{"reliability":"Z"}`); st != http.StatusUnprocessableEntity {
		t.Errorf("grade Z = %d %s, want 422", st, body)
	}
	resp, err := http.Get(e.srv.URL + "/api/settlements/486816")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), "recorded against the wrong village") {
		t.Error("the public history does not show the editorial retraction's reason")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func ledgerFilter(settlement string) ledger.ClaimFilter {
	return ledger.ClaimFilter{Settlement: settlement}
}

func mustPrefixes(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

// An admin makes an editor's token in the desk, the editor signs in with it, the admin revokes it: the editor's
// session ends. Editors cannot see or make tokens.
func TestDeskTokens(t *testing.T) {
	e := newDeskEnv(t, web.Config{})
	admin, editor := e.client(t), e.client(t)
	admin.signIn(e.admin)
	editor.signIn(e.editor)
	if _, page := admin.do("GET", "/desk", "", nil); !strings.Contains(page, `href="#tokens"`) {
		t.Error("the admin's desk has no Tokens view")
	}
	if _, page := editor.do("GET", "/desk", "", nil); strings.Contains(page, `href="#tokens"`) {
		t.Error("the editor's desk offers the Tokens view")
	}
	if resp, _ := editor.do("GET", "/desk/api/tokens", "", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("tokens for an editor = %d, want 403", resp.StatusCode)
	}
	if resp, _ := editor.post("/desk/api/tokens", `{"name":"mallory","role":"admin"}`); resp.StatusCode != http.StatusForbidden {
		t.Errorf("token made by an editor = %d, want 403", resp.StatusCode)
	}
	resp, body := admin.post("/desk/api/tokens", `{"name":"newbie","role":"editor"}`)
	var made struct {
		Secret string
		Token  struct{ Name, Role string }
	}
	json.Unmarshal([]byte(body), &made)
	if resp.StatusCode != http.StatusCreated || made.Token.Role != "editor" || !strings.HasPrefix(made.Secret, "tiled_") {
		t.Fatalf("token made by an admin = %d %s", resp.StatusCode, body)
	}
	newbie := e.client(t)
	if resp := newbie.signIn(made.Secret); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in with the new token = %d", resp.StatusCode)
	}
	_, list := admin.do("GET", "/desk/api/tokens", "", nil)
	if !strings.Contains(list, `"name":"newbie"`) || strings.Contains(list, made.Secret) {
		t.Errorf("token list = %s, want newbie and no secret", list)
	}
	if resp, body := admin.post("/desk/api/tokens/newbie/revoke", `{}`); resp.StatusCode != http.StatusOK {
		t.Errorf("revoke = %d %s", resp.StatusCode, body)
	}
	if resp, _ := newbie.do("GET", "/desk/api/me", "", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("newbie after revocation = %d, want 403", resp.StatusCode)
	}
}
