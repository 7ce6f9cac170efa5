package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/ledger"
)

// staticFS holds the page's own assets (static/css, static/js) and, after `make assets`, the third-party files
// copied from npm into static/vendor. A fresh clone builds without the vendor folder; the page then lacks the map.
//
//go:embed static
var staticFS embed.FS

// templateFS holds the HTML templates and the interface strings in every language.
//
//go:embed templates
var templateFS embed.FS

func (s *Server) styleOptions() atlas.StyleOptions {
	return atlas.StyleOptions{BasemapTiles: s.cfg.BasemapTiles, BasemapAttribution: s.cfg.BasemapAttribution}
}

// pages serves the map page, the embed, the table view, oEmbed and the static assets. Everything it serves comes
// from the embedded trees; no path reaches the file system.
type pages struct {
	s      *Server
	tmpl   *template.Template
	text   texts
	static fs.FS
	// deskText holds the desk's strings (templates/desk-strings.json), apart from the map's.
	deskText texts

	mu     sync.Mutex
	assets map[string]*asset // built on first use: hash, gzip
}

// asset is one static file ready to serve.
type asset struct {
	data, gz []byte
	hash     string // first 12 hex digits of the SHA-256 of data
	media    string
}

// pageRoutes registers the page routes: /, /embed, /table, /oembed and /static/*.
func (s *Server) pageRoutes(get func(string, echo.HandlerFunc)) {
	p, err := newPages(s)
	if err != nil {
		panic(err) // the embedded templates and strings are fixed at build time; a test parses them
	}
	get("/", func(c echo.Context) error { return p.page(c, false) })
	get("/embed", func(c echo.Context) error { return p.page(c, true) })
	get("/table", p.table)
	get("/oembed", p.oembed)
	get("/static/*", p.serveStatic)
	s.deskRoutes(p)
}

func newPages(s *Server) (*pages, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	tx, err := loadTexts(templateFS, "templates/strings.json")
	if err != nil {
		return nil, err
	}
	dtx, err := loadTexts(templateFS, "templates/desk-strings.json")
	if err != nil {
		return nil, err
	}
	p := &pages{s: s, text: tx, deskText: dtx, static: sub, assets: map[string]*asset{}}
	p.tmpl, err = template.New("").Funcs(template.FuncMap{
		"asset": p.assetURL,
		"D":     func(l lang, key string) string { return dtx.get(l, key) },
		"T":     func(l lang, key string) string { return tx.get(l, key) },
		"Tf": func(l lang, key string, kv ...string) string {
			return tx.format(l, key, kv...)
		},
	}).ParseFS(templateFS, "templates/*.html")
	return p, err
}

// mediaTypes are the types of the static files by extension (nosniff is on, so they must be right).
var mediaTypes = map[string]string{
	".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".png": "image/png",
	".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8", ".json": "application/json",
	".html": "text/html; charset=utf-8", ".map": "application/json",
}

// load returns the static file name, reading, hashing and compressing it on first use.
func (p *pages) load(name string) (*asset, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if a, ok := p.assets[name]; ok {
		return a, nil
	}
	data, err := fs.ReadFile(p.static, name)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	a := &asset{data: data, hash: hex.EncodeToString(sum[:6]), media: mediaTypes[path.Ext(name)]}
	if a.media == "" {
		a.media = "application/octet-stream"
	}
	if strings.HasPrefix(a.media, "text/") || strings.HasPrefix(a.media, "application/json") || strings.HasSuffix(a.media, "+xml") {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(data)
		zw.Close()
		if b.Len() < len(data) {
			a.gz = b.Bytes()
		}
	}
	p.assets[name] = a
	return a, nil
}

// assetURL is the URL of a static file with its content hash, so it can be cached for good; a missing file (the
// vendor folder before `make assets`) keeps its plain URL.
func (p *pages) assetURL(name string) string {
	a, err := p.load(name)
	if err != nil {
		return "/static/" + name
	}
	return "/static/" + name + "?h=" + a.hash
}

// serveStatic serves an embedded file with a strong ETag, gzip when accepted, and a year's caching when the URL
// carries the file's current hash.
func (p *pages) serveStatic(c echo.Context) error {
	name := strings.TrimPrefix(c.Param("*"), "/")
	if !fs.ValidPath(name) || name == "." || strings.HasPrefix(path.Base(name), ".") {
		return echo.ErrNotFound
	}
	a, err := p.load(name)
	if err != nil {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, a.media)
	if c.QueryParam("h") == a.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	body, etag := a.data, `"`+a.hash+`"`
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(c.Request()) {
			body, etag = a.gz, `"`+a.hash+`-gzip"`
			h.Set(echo.HeaderContentEncoding, "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(c.Response(), c.Request(), "", time.Time{}, bytes.NewReader(body))
	return nil
}

// csp is the Content-Security-Policy of the HTML pages: scripts and styles from this server only (no inline
// code), MapLibre's worker from this server (the CSP build), the basemap's host for images and fetches, and the
// configured frame ancestors.
func (p *pages) csp() string {
	remote := ""
	if o := templateOrigin(p.s.cfg.BasemapTiles); o != "" {
		remote = " " + o
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:" + remote +
		"; connect-src 'self'" + remote + "; worker-src 'self' blob:; child-src 'self' blob:; font-src 'self'" +
		"; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors " + p.s.cfg.FrameAncestors
}

// templateOrigin is the origin of an XYZ URL template ("https://{s}.tile.example.org/{z}/{x}/{y}.png" gives
// "https://*.tile.example.org"); "" when there is none.
func templateOrigin(tmpl string) string {
	if tmpl == "" {
		return ""
	}
	u, err := url.Parse(strings.NewReplacer("{s}", "a", "{z}", "0", "{x}", "0", "{y}", "0", "{r}", "").Replace(tmpl))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	host := u.Host
	if strings.HasPrefix(tmpl[len(u.Scheme)+3:], "{s}.") {
		host = "*" + strings.TrimPrefix(host, "a")
	}
	return u.Scheme + "://" + host
}

// viewQuery is what a page URL says about the map: the date, the source, the view and the language. Page URLs
// are lenient: unknown parameters (utm_source, …) are ignored and bad values fall back to the defaults, since a
// reader following a mangled link should still get a map.
type viewQuery struct {
	Lang     lang
	AsOf     string // YYYY-MM-DD; "" for today
	Source   string // "" for the consensus
	Lat, Lon string
	Zoom     string
	Place    string
	Table    bool // open on the table view
}

func (p *pages) readView(q url.Values) viewQuery {
	v := viewQuery{Lang: p.text.pick(q.Get("lang")), Place: q.Get("place"), Table: q.Get("view") == "table"}
	if d, err := ledger.ParseDate(q.Get("as_of")); err == nil {
		v.AsOf = d.String()
	}
	if s := q.Get("source"); s != "" && s != "consensus" {
		v.Source = s
	}
	lat, err1 := strconv.ParseFloat(q.Get("lat"), 64)
	lon, err2 := strconv.ParseFloat(q.Get("lon"), 64)
	if err1 == nil && err2 == nil && lat >= -85 && lat <= 85 && lon >= -180 && lon <= 180 {
		v.Lat, v.Lon = strconv.FormatFloat(lat, 'f', -1, 64), strconv.FormatFloat(lon, 'f', -1, 64)
	}
	if z, err := strconv.ParseFloat(q.Get("z"), 64); err == nil && z >= 0 && z <= 20 {
		v.Zoom = strconv.FormatFloat(z, 'f', -1, 64)
	}
	return v
}

// values is v as query parameters; with the language only when it is not the default.
func (v viewQuery) values() url.Values {
	q := url.Values{}
	set := func(k, s string) {
		if s != "" {
			q.Set(k, s)
		}
	}
	set("as_of", v.AsOf)
	set("source", v.Source)
	set("lat", v.Lat)
	set("lon", v.Lon)
	set("z", v.Zoom)
	set("place", v.Place)
	if v.Lang != defaultLang {
		q.Set("lang", string(v.Lang))
	}
	return q
}

// sourceInfo is a source as the page shows it.
type sourceInfo struct {
	ID, Name, Kind, URL, Notes string
	Alignment                  string // ru, ua or independent
	Reliability                string // A–F
}

// snapshot is the data a page shows: the settlements with their status for the view, and the sources.
type snapshot struct {
	View    viewQuery
	AsOf    string // the resolved date
	Sources []sourceInfo
	Table   tableData
	Dates   []string // the dates claims describe, oldest first
}

// snapshot reads the data for v. A source or date the atlas rejects falls back to the default view.
func (p *pages) snapshot(ctx context.Context, base string, v viewQuery, withDates bool) (snapshot, error) {
	src, err := p.s.atlas.Sources(ctx, url.Values{})
	if err != nil {
		return snapshot{}, err
	}
	known := map[string]bool{}
	snap := snapshot{}
	for _, s := range src {
		known[s.ID] = true
		snap.Sources = append(snap.Sources, sourceInfo{ID: s.ID, Name: s.Name, Kind: s.Kind, URL: s.URL, Notes: s.Notes,
			Alignment: string(s.Alignment), Reliability: string(s.Reliability)})
	}
	if !known[v.Source] {
		v.Source = ""
	}
	q := url.Values{"limit": {strconv.Itoa(atlas.MaxLimit)}}
	if v.AsOf != "" {
		q.Set("as_of", v.AsOf)
	}
	if v.Source != "" {
		q.Set("source", v.Source)
	}
	fc, err := p.s.atlas.Settlements(ctx, q)
	if errors.Is(err, atlas.ErrBadRequest) && v.AsOf != "" {
		v.AsOf = ""
		q.Del("as_of")
		fc, err = p.s.atlas.Settlements(ctx, q)
	}
	if err != nil {
		return snapshot{}, err
	}
	snap.AsOf, _ = fc.ExtraMembers["as_of"].(string)
	snap.View = v
	snap.Table = buildTable(p.text, v.Lang, base, snap.AsOf, v.Source, snap.Sources, fc)
	if withDates {
		claims, err := p.s.atlas.Claims(ctx, url.Values{})
		if err != nil {
			return snapshot{}, err
		}
		seen := map[string]bool{}
		for _, c := range claims {
			d := c.ValidAt.String()
			if !seen[d] {
				seen[d] = true
				snap.Dates = append(snap.Dates, d)
			}
		}
		slices.Sort(snap.Dates) // ISO dates sort as strings
	}
	return snap, nil
}

// pageConfig is what the page's script reads from the JSON block #tiled-config.
type pageConfig struct {
	Lang    lang              `json:"lang"`
	Embed   bool              `json:"embed"`
	Today   string            `json:"today"`
	AsOf    string            `json:"as_of"`
	Source  string            `json:"source"`
	Lat     string            `json:"lat,omitempty"`
	Lon     string            `json:"lon,omitempty"`
	Zoom    string            `json:"z,omitempty"`
	Place   string            `json:"place,omitempty"`
	Table   bool              `json:"table,omitempty"`
	Dates   []string          `json:"dates"`
	Sources []sourceJSON      `json:"sources"`
	Base    string            `json:"base"`
	Worker  string            `json:"worker"`
	Strings map[string]string `json:"strings"`
}

type sourceJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Alignment   string `json:"alignment"`
	Reliability string `json:"reliability"`
	Kind        string `json:"kind"`
}

// pageData is the data of page.html.
type pageData struct {
	L           lang
	Langs       []langLink
	Embed       bool
	Title       string
	Description string
	Canonical   string
	OEmbed      string
	Config      pageConfig
	Snap        snapshot
	Table       tableData
	TableURL    string
	Basemap     template.HTML // the basemap's attribution (configured by the operator, so trusted HTML)
}

type langLink struct {
	Code, Name, URL string
	Current         bool
}

// page renders the map page (embed false) or the embed.
func (p *pages) page(c echo.Context, embed bool) error {
	v := p.readView(c.QueryParams())
	base := p.s.baseURL(c)
	snap, err := p.snapshot(c.Request().Context(), base, v, true)
	if err != nil {
		return err
	}
	v = snap.View
	route := "/"
	if embed {
		route = "/embed"
	}
	canonical := base + route
	if q := v.values().Encode(); q != "" {
		canonical += "?" + q
	}
	d := pageData{L: v.Lang, Embed: embed, Snap: snap, Table: snap.Table, Canonical: canonical,
		Title:       p.text.get(v.Lang, "title"),
		Description: p.text.get(v.Lang, "description"),
		OEmbed:      base + "/oembed?" + url.Values{"url": {canonical}}.Encode(),
		Basemap:     template.HTML(p.s.cfg.BasemapAttribution),
	}
	tv := v
	tv.Lat, tv.Lon, tv.Zoom, tv.Place = "", "", "", ""
	tv.AsOf = snap.AsOf
	d.TableURL = "/table?" + tv.values().Encode()
	for _, l := range langs {
		lv := v
		lv.Lang = l
		u := route
		if q := lv.values().Encode(); q != "" {
			u += "?" + q
		}
		d.Langs = append(d.Langs, langLink{Code: string(l), Name: p.text.get(l, "lang.name"), URL: u, Current: l == v.Lang})
	}
	today, err := p.today(c.Request().Context())
	if err != nil {
		return err
	}
	d.Config = pageConfig{Lang: v.Lang, Embed: embed, Today: today, AsOf: snap.AsOf, Source: v.Source,
		Lat: v.Lat, Lon: v.Lon, Zoom: v.Zoom, Place: v.Place, Table: v.Table, Dates: snap.Dates, Base: base,
		Worker: p.assetURL("vendor/maplibre-gl-csp-worker.js"), Strings: p.text[v.Lang]}
	for _, s := range snap.Sources {
		d.Config.Sources = append(d.Config.Sources, sourceJSON{ID: s.ID, Name: s.Name, Alignment: s.Alignment,
			Reliability: s.Reliability, Kind: s.Kind})
	}
	return p.render(c, "page.html", d)
}

// today is the atlas's today: the date a view without as_of shows.
func (p *pages) today(ctx context.Context) (string, error) {
	fc, err := p.s.atlas.Settlements(ctx, url.Values{"limit": {"1"}})
	if err != nil {
		return "", err
	}
	s, _ := fc.ExtraMembers["as_of"].(string)
	return s, nil
}

// render executes a template into a buffer first, so a template error is a clean 500, then sends it with the
// page CSP.
func (p *pages) render(c echo.Context, name string, data any) error {
	var b bytes.Buffer
	if err := p.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		return fmt.Errorf("web: page %s: %w", name, err)
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", p.csp())
	h.Set("Cache-Control", "no-cache")
	return c.HTMLBlob(http.StatusOK, b.Bytes())
}

// tablePage is the data of table.html.
type tablePage struct {
	L     lang
	Title string
	Table tableData
	Map   string // the map page with the same view
}

// table renders the accessible table view: every settlement with its status for the view, the summary and the
// download links, as a page that needs no script. The map page and the embed fetch it for their table views.
func (p *pages) table(c echo.Context) error {
	v := p.readView(c.QueryParams())
	snap, err := p.snapshot(c.Request().Context(), p.s.baseURL(c), v, false)
	if err != nil {
		return err
	}
	mv := snap.View
	mv.AsOf = snap.AsOf
	return p.render(c, "table.html", tablePage{L: v.Lang, Title: p.text.get(v.Lang, "table.title"), Table: snap.Table,
		Map: "/?" + mv.values().Encode()})
}

// Default size of an embed, and the height of its chrome (title line, legend, footer) around the map.
const (
	embedWidth        = 640
	embedChromeHeight = 132
)

// embedHeight is the height an embed of width w wants: its chrome and a map of 62 % of the width, 280 to 560
// pixels high. The embed's style sheet uses the same rule.
func embedHeight(w int) int {
	m := w * 62 / 100
	m = max(280, min(560, m))
	return m + embedChromeHeight
}

// OEmbedResponse is the answer of /oembed (oEmbed 1.0, type rich).
type OEmbedResponse struct {
	Type         string `json:"type"`
	Version      string `json:"version"`
	Title        string `json:"title"`
	ProviderName string `json:"provider_name"`
	ProviderURL  string `json:"provider_url"`
	HTML         string `json:"html"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	CacheAge     int    `json:"cache_age"`
	// EmbedURL and Description are tiled's additions: the iframe's address and its text for screen readers.
	EmbedURL    string `json:"embed_url"`
	Description string `json:"description"`
}

// oembed answers /oembed?url=… for a map page or embed URL of this server with the iframe code of that view.
// Parameters other than url, maxwidth, maxheight and format are ignored, as consumers add their own: WordPress
// sends dnt=1 with every request (WP_oEmbed::fetch since 4.9), and a 400 for it means a pasted link never embeds.
func (p *pages) oembed(c echo.Context) error {
	q := c.QueryParams()
	switch q.Get("format") {
	case "", "json":
	case "xml":
		return writeJSON(c, http.StatusNotImplemented, MediaJSON, ErrorBody{Code: "not_implemented",
			Description: "format \"xml\": only json is served", RequestID: c.Response().Header().Get(echo.HeaderXRequestID)})
	default:
		return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("format %q: want json", q.Get("format")))
	}
	dims := [2]int{}
	for i, k := range []string{"maxwidth", "maxheight"} {
		if s := q.Get(k); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("%s %q: want a positive integer", k, s))
			}
			dims[i] = n
		}
	}
	raw := q.Get("url")
	if raw == "" {
		return echo.NewHTTPError(http.StatusBadRequest, "url: required: the address of a tiled map page")
	}
	base := p.s.baseURL(c)
	u, err := url.Parse(raw)
	bu, _ := url.Parse(base)
	if err != nil || !strings.EqualFold(u.Host, bu.Host) || (u.Path != "" && u.Path != "/" && u.Path != "/embed") {
		return echo.NewHTTPError(http.StatusNotFound, fmt.Sprintf("url %q: not a map page of this server", raw))
	}
	v := p.readView(u.Query())
	snap, err := p.snapshot(c.Request().Context(), base, v, false)
	if err != nil {
		return err
	}
	v = snap.View
	v.AsOf = snap.AsOf // an embed shows a fixed date, never "today"
	w := embedWidth
	if dims[0] > 0 && dims[0] < w {
		w = dims[0]
	}
	h := embedHeight(w)
	if dims[1] > 0 && dims[1] < h {
		h = dims[1]
	}
	code, err := p.embedCode(base, v, snap, w, h)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return writeJSON(c, http.StatusOK, MediaJSON, OEmbedResponse{Type: "rich", Version: "1.0", Title: code.Title,
		ProviderName: "tiled", ProviderURL: base + "/", HTML: code.HTML, Width: w, Height: h, CacheAge: 300,
		EmbedURL: code.Src, Description: code.Description})
}

// embedCodeData is the data of the embed-code template.
type embedCodeData struct {
	Src, Title, Description, ID, TableURL, TableText string
	Width, Height                                    int
	HTML                                             string
}

// embedCode is the iframe code of view v: a titled iframe and a paragraph describing the map, linked to the
// accessible table.
func (p *pages) embedCode(base string, v viewQuery, snap snapshot, w, h int) (embedCodeData, error) {
	src := base + "/embed?" + v.values().Encode()
	sum := sha256.Sum256([]byte(src))
	view := p.text.get(v.Lang, "table.view.consensus")
	if v.Source != "" {
		view = p.text.format(v.Lang, "table.view.source", "source", sourceName(snap.Sources, v.Source))
	}
	tv := v
	tv.Lat, tv.Lon, tv.Zoom, tv.Place = "", "", "", ""
	d := embedCodeData{Src: src, Width: w, Height: h, ID: "tiled-map-" + hex.EncodeToString(sum[:4]),
		Title:       p.text.format(v.Lang, "embed.frame.title", "date", p.text.date(v.Lang, snap.AsOf), "view", view),
		Description: snap.Table.Summary, TableURL: base + "/table?" + tv.values().Encode(),
		TableText: p.text.get(v.Lang, "table.title")}
	var b strings.Builder
	if err := p.tmpl.ExecuteTemplate(&b, "embed-code", d); err != nil {
		return d, err
	}
	d.HTML = strings.TrimSpace(b.String())
	return d, nil
}

func sourceName(src []sourceInfo, id string) string {
	for _, s := range src {
		if s.ID == id {
			return s.Name
		}
	}
	return id
}
