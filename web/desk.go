package web

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/tiled-maps/tiled/auth"
)

// The desk: the signed-in part of the site where editors turn reports into claims (issue 11). Its pages and its
// JSON calls live under /desk; every call goes through the same atlas methods as the token API (/api/…), so the
// desk adds no second path to the store. A session cookie (HttpOnly, SameSite=Strict, Secure over TLS or behind a
// trusted proxy that says so) stands for the token the editor pasted once; echo's CSRF middleware checks every
// state-changing desk request.

// Cookie names of the desk.
const (
	sessionCookie = "tiled_session"
	csrfCookie    = "tiled_csrf"
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "_csrf"
	deskPath      = "/desk"
)

// ErrCSRF is returned for a state-changing desk request without a valid CSRF token, or one sent cross-site.
var ErrCSRF = errors.New("web: cross-site request refused: missing or invalid CSRF token")

// deskTokenKey is the echo context key of the signed-in token.
const deskTokenKey = "desk.token"

// deskRoutes registers the desk: the pages, sign-in and sign-out, and the JSON calls under /desk/api.
func (s *Server) deskRoutes(p *pages) {
	plain, secure := s.csrf(false), s.csrf(true)
	csrf := func(next echo.HandlerFunc) echo.HandlerFunc {
		pn, sn := plain(next), secure(next)
		return func(c echo.Context) error {
			if s.secureRequest(c.Request()) {
				return sn(c)
			}
			return pn(c)
		}
	}
	g := s.echo.Group(deskPath, csrf, noStore)
	g.GET("", p.desk)
	g.GET("/", p.desk)
	g.GET("/signin", p.signInPage)
	g.POST("/signin", p.signIn)
	g.POST("/signout", p.signOut)
	api := g.Group("/api", s.requireSession)
	api.GET("/me", s.deskMe)
	api.GET("/feed", s.deskFeed)
	api.GET("/settlements/:id", s.deskSettlement)
	api.POST("/claims", s.addClaim)
	api.POST("/claims/:id/retract", s.retract)
	api.POST("/sources", s.addSource)
	api.POST("/sources/:id/grade", s.gradeSource)
	api.GET("/tokens", s.deskTokens)
	api.POST("/tokens", s.deskCreateToken)
	api.POST("/tokens/:name/revoke", s.deskRevokeToken)
	api.GET("/reports", s.deskQueue)
	api.POST("/reports", s.addReport)
	api.GET("/reports/:id", s.deskReport)
	api.POST("/reports/:id/proposals/:n/accept", s.acceptProposal)
	api.POST("/reports/:id/proposals/:n/reject", s.rejectProposal)
}

// csrf is echo's CSRF middleware for the desk: the token is kept in an HttpOnly, SameSite=Strict cookie scoped to
// /desk and must come back in the X-CSRF-Token header (the desk's script) or the _csrf form field (the sign-in and
// sign-out forms). Browsers that send Fetch Metadata are also checked by it: a cross-site POST is refused outright.
func (s *Server) csrf(secure bool) echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "header:" + csrfHeader + ",form:" + csrfField,
		CookieName:     csrfCookie,
		CookiePath:     deskPath,
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteStrictMode,
		CookieSecure:   secure,
		CookieMaxAge:   int((12 * time.Hour).Seconds()),
		ErrorHandler: func(err error, c echo.Context) error {
			return fmt.Errorf("%w (%v)", ErrCSRF, err)
		},
		// A state-changing request the browser marks same-site (another port or subdomain) falls back to the token
		// check; one it marks cross-site is refused.
		AllowSecFetchSiteFunc: func(c echo.Context) (bool, error) {
			if c.Request().Header.Get(echo.HeaderSecFetchSite) == "same-site" {
				return false, nil
			}
			return false, fmt.Errorf("%w (the browser says the request is cross-site)", ErrCSRF)
		},
	})
}

// noStore keeps desk responses (working material) out of every cache.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

// secureRequest reports whether the request came over TLS, directly or through a trusted proxy that says so in
// X-Forwarded-Proto; a forwarding header from anyone else is ignored.
func (s *Server) secureRequest(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if r.Header.Get("X-Forwarded-Proto") != "https" || len(s.cfg.TrustedProxies) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ip.Unmap()) {
			return true
		}
	}
	return false
}

// session returns the token of the request's live desk session.
func (s *Server) session(c echo.Context) (auth.Token, error) {
	ck, err := c.Cookie(sessionCookie)
	if err != nil {
		return auth.Token{}, auth.ErrNoSession
	}
	ses, err := s.atlas.Session(c.Request().Context(), ck.Value)
	if err != nil {
		return auth.Token{}, err
	}
	return ses.Token, nil
}

// requireSession guards the desk's JSON calls: without a live session they answer 401 (403 for a revoked token)
// and show nothing.
func (s *Server) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		tok, err := s.session(c)
		if err != nil {
			s.clearSession(c)
			return err
		}
		c.Set(deskTokenKey, tok)
		return next(c)
	}
}

// deskToken is the signed-in token (set by requireSession).
func deskToken(c echo.Context) auth.Token {
	tok, _ := c.Get(deskTokenKey).(auth.Token)
	return tok
}

// setSession sets the session cookie, living as long as the session (the server checks the expiry itself).
func (s *Server) setSession(c echo.Context, secret string, ttl time.Duration) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: secret, Path: deskPath, MaxAge: max(1, int(ttl.Seconds())),
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: s.secureRequest(c.Request())})
}

func (s *Server) clearSession(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: deskPath, MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secureRequest(c.Request())})
}

// deskPage is the data of desk.html.
type deskPage struct {
	L       lang
	Langs   []langLink
	Title   string
	CSRF    string
	Signed  bool
	Message string // the sign-in page's notice (signed out, expired, bad token)
	Config  deskConfig
}

// deskConfig is what the desk's script reads from #desk-config.
type deskConfig struct {
	Lang     lang              `json:"lang"`
	Token    string            `json:"token"`
	Role     auth.Role         `json:"role"`
	Today    string            `json:"today"`
	Basemap  string            `json:"basemap"`
	Credit   string            `json:"basemap_attribution"`
	Strings  map[string]string `json:"strings"`
	Sources  []sourceJSON      `json:"sources"`
	CSRF     string            `json:"csrf"`
	MapStyle string            `json:"leaflet_css"`
}

func (p *pages) deskLangs(l lang, path string) []langLink {
	var out []langLink
	for _, x := range langs {
		u := path
		if x != defaultLang {
			u += "?lang=" + string(x)
		}
		out = append(out, langLink{Code: string(x), Name: p.deskText.get(x, "lang.name"), URL: u, Current: x == l})
	}
	return out
}

func csrfToken(c echo.Context) string {
	t, _ := c.Get("csrf").(string)
	return t
}

// desk renders the desk shell for a signed-in editor; without a session it sends the browser to the sign-in page.
func (p *pages) desk(c echo.Context) error {
	l := p.text.pick(c.QueryParam("lang"))
	tok, err := p.s.session(c)
	if err != nil {
		p.s.clearSession(c)
		q := url.Values{}
		if l != defaultLang {
			q.Set("lang", string(l))
		}
		if _, e := c.Cookie(sessionCookie); e == nil {
			q.Set("why", reasonCode(err))
		}
		u := deskPath + "/signin"
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		return c.Redirect(http.StatusSeeOther, u)
	}
	src, err := p.s.atlas.Sources(c.Request().Context(), url.Values{})
	if err != nil {
		return err
	}
	today, err := p.today(c.Request().Context())
	if err != nil {
		return err
	}
	d := deskPage{L: l, Langs: p.deskLangs(l, deskPath), Title: p.deskText.get(l, "desk.title"), CSRF: csrfToken(c), Signed: true}
	d.Config = deskConfig{Lang: l, Token: tok.Name, Role: tok.Role, Today: today, Basemap: p.s.cfg.BasemapTiles,
		Credit: p.s.cfg.BasemapAttribution, Strings: p.deskText[l], CSRF: d.CSRF}
	for _, s := range src {
		d.Config.Sources = append(d.Config.Sources, sourceJSON{ID: s.ID, Name: s.Name, Alignment: string(s.Alignment),
			Reliability: string(s.Reliability), Kind: s.Kind})
	}
	return p.render(c, "desk.html", d)
}

// reasonCode names why a session is not live, for the sign-in page's notice.
func reasonCode(err error) string {
	switch {
	case errors.Is(err, auth.ErrSessionExpired):
		return "expired"
	case errors.Is(err, auth.ErrRevoked):
		return "revoked"
	}
	return "signedout"
}

// signInPage shows the sign-in form (a signed-in editor goes straight to the desk).
func (p *pages) signInPage(c echo.Context) error {
	l := p.text.pick(c.QueryParam("lang"))
	if _, err := p.s.session(c); err == nil {
		return c.Redirect(http.StatusSeeOther, deskPath+langQuery(l))
	}
	d := deskPage{L: l, Langs: p.deskLangs(l, deskPath+"/signin"), Title: p.deskText.get(l, "signin.title"), CSRF: csrfToken(c)}
	if why := c.QueryParam("why"); why != "" {
		d.Message = p.deskText.get(l, "signin.why."+why)
	}
	return p.render(c, "desk.html", d)
}

func langQuery(l lang) string {
	if l == defaultLang {
		return ""
	}
	return "?lang=" + string(l)
}

// signIn checks the pasted token and opens a session: 303 to the desk, or the form again (401) with the reason.
func (p *pages) signIn(c echo.Context) error {
	l := p.text.pick(c.FormValue("lang"))
	secret, ses, err := p.s.atlas.SignIn(c.Request().Context(), c.FormValue("token"))
	if err != nil {
		if !errors.Is(err, auth.ErrBadToken) && !errors.Is(err, auth.ErrNoToken) && !errors.Is(err, auth.ErrRevoked) {
			return err
		}
		d := deskPage{L: l, Langs: p.deskLangs(l, deskPath+"/signin"), Title: p.deskText.get(l, "signin.title"),
			CSRF: csrfToken(c), Message: p.deskText.get(l, "signin.bad")}
		if errors.Is(err, auth.ErrRevoked) {
			d.Message = p.deskText.get(l, "signin.why.revoked")
		}
		return p.renderStatus(c, http.StatusUnauthorized, "desk.html", d)
	}
	p.s.setSession(c, secret, ses.ExpiresAt.Sub(ses.CreatedAt))
	return c.Redirect(http.StatusSeeOther, deskPath+langQuery(l))
}

// signOut ends the session and clears the cookie.
func (p *pages) signOut(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if err := p.s.atlas.SignOut(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	p.s.clearSession(c)
	l := p.text.pick(c.FormValue("lang"))
	q := url.Values{"why": {"signedout"}}
	if l != defaultLang {
		q.Set("lang", string(l))
	}
	return c.Redirect(http.StatusSeeOther, deskPath+"/signin?"+q.Encode())
}

func (s *Server) deskMe(c echo.Context) error {
	tok := deskToken(c)
	return writeJSON(c, http.StatusOK, MediaJSON, map[string]string{"name": tok.Name, "role": string(tok.Role)})
}

// deskSettlement is /api/settlements/:id for the desk: the history also says who recorded each claim.
func (s *Server) deskSettlement(c echo.Context) error {
	f, err := s.atlas.DeskSettlement(c.Request().Context(), c.Param("id"), c.QueryParams())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return writeJSON(c, http.StatusOK, MediaGeoJSON, f)
}

func (s *Server) deskFeed(c echo.Context) error {
	n, _ := strconv.Atoi(c.QueryParam("limit"))
	feed, err := s.atlas.Feed(c.Request().Context(), n)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, MediaJSON, feed)
}

// writer returns the token of a write: the desk session's (set by requireSession) or the bearer token's.
func (s *Server) writer(c echo.Context) (auth.Token, error) {
	if tok, ok := c.Get(deskTokenKey).(auth.Token); ok {
		return tok, nil
	}
	return s.atlas.Authorize(c.Request().Context(), c.Request().Header.Get(echo.HeaderAuthorization))
}

// writeRequest is what a write handler starts from: the writer's token (see writer) and the request's body, which
// must be declared JSON (see jsonBody).
func (s *Server) writeRequest(c echo.Context) (auth.Token, io.Reader, error) {
	tok, err := s.writer(c)
	if err != nil {
		return auth.Token{}, nil, err
	}
	body, err := jsonBody(c)
	return tok, body, err
}

// retract withdraws a claim: POST /api/claims/:id/retract (bearer token) and /desk/api/claims/:id/retract (session).
func (s *Server) retract(c echo.Context) error {
	tok, body, err := s.writeRequest(c)
	if err != nil {
		return err
	}
	cl, err := s.atlas.Retract(c.Request().Context(), tok, c.Param("id"), body)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, MediaJSON, cl)
}

// deskQueue lists the reports with proposals still to review, newest first.
func (s *Server) deskQueue(c echo.Context) error {
	q, err := s.atlas.Queue(c.Request().Context())
	if err != nil {
		return err
	}
	return privateJSON(c, http.StatusOK, q)
}

// deskReport is a report as the review screen shows it.
func (s *Server) deskReport(c echo.Context) error {
	r, err := s.atlas.ReviewReport(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return privateJSON(c, http.StatusOK, r)
}

// acceptProposal records a proposal (as edited) as a claim: POST /api/reports/:id/proposals/:n/accept with a
// bearer token, /desk/api/… with a session.
func (s *Server) acceptProposal(c echo.Context) error {
	tok, body, err := s.writeRequest(c)
	if err != nil {
		return err
	}
	cl, err := s.atlas.AcceptProposal(c.Request().Context(), tok, c.Param("id"), c.Param("n"), body)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, MediaJSON, cl)
}

// rejectProposal records that a proposal is not a claim.
func (s *Server) rejectProposal(c echo.Context) error {
	tok, body, err := s.writeRequest(c)
	if err != nil {
		return err
	}
	rv, err := s.atlas.RejectProposal(c.Request().Context(), tok, c.Param("id"), c.Param("n"), body)
	if err != nil {
		return err
	}
	return privateJSON(c, http.StatusCreated, rv)
}

// gradeSource sets a source's reliability grade (admins): POST /api/sources/:id/grade and /desk/api/….
func (s *Server) gradeSource(c echo.Context) error {
	tok, body, err := s.writeRequest(c)
	if err != nil {
		return err
	}
	src, err := s.atlas.GradeSource(c.Request().Context(), tok, c.Param("id"), body)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, MediaJSON, src)
}

// deskTokens lists the tokens (admins).
func (s *Server) deskTokens(c echo.Context) error {
	toks, err := s.atlas.Tokens(c.Request().Context(), deskToken(c))
	if err != nil {
		return err
	}
	return privateJSON(c, http.StatusOK, toks)
}

// deskCreateToken makes a token (admins); its secret is in this answer only.
func (s *Server) deskCreateToken(c echo.Context) error {
	body, err := jsonBody(c)
	if err != nil {
		return err
	}
	secret, tok, err := s.atlas.CreateToken(c.Request().Context(), deskToken(c), body)
	if err != nil {
		return err
	}
	return privateJSON(c, http.StatusCreated, map[string]any{"token": tok, "secret": secret})
}

// deskRevokeToken revokes a token and ends its sessions (admins).
func (s *Server) deskRevokeToken(c echo.Context) error {
	if err := s.atlas.RevokeToken(c.Request().Context(), deskToken(c), c.Param("name")); err != nil {
		return err
	}
	return privateJSON(c, http.StatusOK, map[string]string{"revoked": c.Param("name")})
}
