package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/web"
)

// The browser tests drive the map page and the embed in headless Chromium (Debian's chromium, installed by
// .ci/run) over a seeded store with the fixed test clock. They skip when no Chromium is installed, except in CI
// (CI=true), where they must run. Screenshots go to testdata/screenshots (or $TILED_SCREENSHOTS).

// Places the tests look at.
var (
	popovka   = geoPoint{50.907642, 35.424167}
	demidovka = geoPoint{50.897225, 35.420835}
	sudzha    = geoPoint{51.19139, 35.27056}
)

type geoPoint struct{ Lat, Lon float64 }

// served is one response of the test server, as the browser got it.
type served struct {
	Path, Query, ContentType string
	Status                   int
}

// recorder records the status and media type of every response.
type recorder struct {
	mu   sync.Mutex
	seen []served
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (rec *recorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		rec.mu.Lock()
		rec.seen = append(rec.seen, served{r.URL.Path, r.URL.RawQuery, sw.Header().Get("Content-Type"), sw.status})
		rec.mu.Unlock()
	})
}

// tiles returns the tile responses so far whose query has every pair of want.
func (rec *recorder) tiles(want url.Values) []served {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []served
	for _, s := range rec.seen {
		if !strings.HasPrefix(s.Path, "/tiles/") {
			continue
		}
		q, _ := url.ParseQuery(s.Query)
		ok := true
		for k := range want {
			if q.Get(k) != want.Get(k) {
				ok = false
			}
		}
		if ok {
			out = append(out, s)
		}
	}
	return out
}

// browserEnv is a test server over the seeded store, without a basemap (no network here), and a headless
// Chromium shared by the subtests, each in its own tab.
type browserEnv struct {
	srv     *httptest.Server
	rec     *recorder
	browser context.Context
	shots   string
}

func chromiumPath() string {
	if p := os.Getenv("TILED_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newPageServer serves a seeded store with cfg, recording every response.
func newPageServer(t *testing.T, cfg web.Config) (*httptest.Server, *recorder) {
	t.Helper()
	db := testdb.Open(t)
	if _, err := seed.Load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	a := atlas.New(atlas.Config{CacheBytes: 64 << 20, Now: func() time.Time { return fixedNow }},
		atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
	s := web.New(cfg, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	rec := &recorder{}
	srv := httptest.NewServer(rec.wrap(s.Handler()))
	t.Cleanup(srv.Close)
	return srv, rec
}

func newBrowserEnv(t *testing.T) *browserEnv {
	t.Helper()
	chrome := chromiumPath()
	if chrome == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no Chromium: CI must run the browser tests (.ci/run installs chromium)")
		}
		t.Skip("no Chromium installed (apt-get install chromium); skipping the browser tests")
	}
	if _, err := os.Stat("static/vendor/maplibre-gl-csp.js"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no front-end assets: run make assets (make test does)")
		}
		t.Skip("no front-end assets in web/static/vendor: run make assets")
	}
	srv, rec := newPageServer(t, web.Config{BasemapTiles: "none"})

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.NoSandbox,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
		// MapLibre needs WebGL: render it in software.
		chromedp.Flag("use-gl", "angle"),
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "en-GB"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	// Start the browser without a timeout: a timeout on the first run would stop the whole browser.
	start := make(chan error, 1)
	go func() { start <- chromedp.Do(browser) }()
	select {
	case err := <-start:
		if err != nil {
			t.Fatalf("starting Chromium: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Chromium did not start within 60 s")
	}
	shots := os.Getenv("TILED_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join("testdata", "screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	return &browserEnv{srv: srv, rec: rec, browser: browser, shots: shots}
}

// tab is one browser tab with its console: every error the page logs fails the test at the end.
type tab struct {
	t   *testing.T
	ctx context.Context
	mu  sync.Mutex
	log []string
}

func (e *browserEnv) tab(t *testing.T) *tab {
	t.Helper()
	ctx, cancel := context.WithTimeout(e.browser, 90*time.Second)
	t.Cleanup(cancel)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)
	tb := &tab{t: t, ctx: ctx}
	msgs := chromedp.Console(ctx)
	tb.do(chromedp.EmulateViewport(1280, 800))
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				tb.mu.Lock()
				tb.log = append(tb.log, fmt.Sprintf("%s (%s:%d)", m.Text, m.URL, m.Line))
				tb.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		for _, l := range tb.log {
			t.Errorf("console error: %s", l)
		}
	})
	return tb
}

func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.t.Fatal(err)
	}
}

// eval evaluates a script (awaiting a promise) and decodes its value into out (nil: ignore it).
func (tb *tab) eval(script string, out any) {
	tb.t.Helper()
	raw, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]byte](script, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: %v", script, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			tb.t.Fatalf("%s = %s: %v", script, raw, err)
		}
	}
}

// waitFor polls a script until it is truthy.
func (tb *tab) waitFor(what, script string) {
	tb.t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](script,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		tb.t.Fatalf("waiting for %s (%s): %v", what, script, err)
	}
}

// open loads a page of the test server and waits until the map has drawn.
func (tb *tab) open(u string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(u))
	tb.waitFor("the map to draw", `document.documentElement.dataset.tiledReady === "1"`)
}

// idle waits until the map has drawn everything it asked for.
func (tb *tab) idle() {
	tb.t.Helper()
	tb.eval(`tiled.idle().then(() => true)`, nil)
}

// screenshot saves the viewport as name.png and returns the image.
func (tb *tab) screenshot(dir, name string) image.Image {
	tb.t.Helper()
	b, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		tb.t.Fatal(err)
	}
	return img
}

// screenPoint is where the page draws a place, in CSS pixels.
func (tb *tab) screenPoint(p geoPoint) (x, y float64) {
	tb.t.Helper()
	var pt struct{ X, Y float64 }
	tb.eval(fmt.Sprintf(`tiled.screenPoint(%v, %v)`, p.Lat, p.Lon), &pt)
	return pt.X, pt.Y
}

// renderedAt returns the tile attributes of the settlement drawn at p.
func (tb *tab) renderedAt(p geoPoint) map[string]any {
	tb.t.Helper()
	var props map[string]any
	tb.eval(fmt.Sprintf(`tiled.renderedAt(%v, %v)`, p.Lat, p.Lon), &props)
	return props
}

// setControl sets a form control's value as a person would and fires its change event.
func (tb *tab) setControl(id, value string) {
	tb.t.Helper()
	tb.eval(fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.value = %q;
		el.dispatchEvent(new Event("input", {bubbles: true})); el.dispatchEvent(new Event("change", {bubbles: true})); return true })()`,
		id, value), nil)
}

// Okabe–Ito colours of the symbols.
var palette = map[string][3]float64{"ru": {0xD5, 0x5E, 0x00}, "ua": {0x00, 0x72, 0xB2}}

// colourNear returns the palette entry that the pixels around (x, y) match best, with how many pixels matched.
func colourNear(img image.Image, x, y float64) (string, int) {
	counts := map[string]int{}
	for dy := -5; dy <= 5; dy++ {
		for dx := -5; dx <= 5; dx++ {
			r, g, b, _ := img.At(int(math.Round(x))+dx, int(math.Round(y))+dy).RGBA()
			for name, c := range palette {
				d := math.Abs(float64(r>>8)-c[0]) + math.Abs(float64(g>>8)-c[1]) + math.Abs(float64(b>>8)-c[2])
				if d < 40 {
					counts[name]++
				}
			}
		}
	}
	best, n := "", 0
	for name, c := range counts {
		if c > n {
			best, n = name, c
		}
	}
	return best, n
}

func TestBrowser(t *testing.T) {
	e := newBrowserEnv(t)
	base := e.srv.URL
	// The code the editor copies from the Embed dialog for Demidovka as of 30 March 2025; the cross-origin test
	// embeds it in a host page.
	var editorsEmbed string

	t.Run("page loads and draws the settlements from tiles", func(t *testing.T) {
		tb := e.tab(t)
		tb.open(base + "/?as_of=2025-03-30&lat=51.02&lon=35.38&z=9.5")
		tiles := e.rec.tiles(url.Values{"as_of": {"2025-03-30"}})
		if len(tiles) == 0 {
			t.Fatal("no tile requested with as_of=2025-03-30")
		}
		for _, s := range tiles {
			if s.Status != http.StatusOK || s.ContentType != web.MediaMVT {
				t.Errorf("GET %s?%s = %d %q, want 200 %s", s.Path, s.Query, s.Status, s.ContentType, web.MediaMVT)
			}
		}
		var n int
		tb.eval(`tiled.gl().then(gl => gl.queryRenderedFeatures({layers: tiled.symbolLayers}).length)`, &n)
		if n < 20 {
			t.Errorf("%d settlements drawn, want at least 20", n)
		}
		img := tb.screenshot(e.shots, "page-overview")
		x, y := tb.screenPoint(sudzha)
		if c, k := colourNear(img, x, y); c != "ru" {
			t.Errorf("Sudzha on 2025-03-30 is drawn %q (%d px), want the Russia colour", c, k)
		}
		var title string
		tb.eval(`document.querySelector("h1").textContent`, &title)
		if title != "Front-line settlements" {
			t.Errorf("h1 = %q", title)
		}
	})

	t.Run("about the data: sources, alignment, reliability, attribution, licences", func(t *testing.T) {
		tb := e.tab(t)
		tb.open(base + "/?as_of=2025-03-30")
		tb.do(chromedp.Click(chromedp.ID("about-open")))
		tb.waitFor("the About panel", `document.getElementById("about-dialog").open`)
		var about struct {
			Rows    int
			Text    string
			Licence string
		}
		tb.eval(`({rows: document.querySelectorAll("#about-dialog table.sources tbody tr").length,
			text: document.getElementById("about-dialog").innerText, licence: document.getElementById("licences-link").href})`, &about)
		if about.Rows != 12 {
			t.Errorf("About lists %d sources, want 12", about.Rows)
		}
		for _, want := range []string{"Russia-aligned", "Ukraine-aligned", "independent", "F: reliability cannot be judged", "GeoNames (CC BY 4.0)"} {
			if !strings.Contains(about.Text, want) {
				t.Errorf("About lacks %q", want)
			}
		}
		resp, err := http.Get(about.Licence)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{"leaflet@1.9.4", "maplibre-gl@5.24.1", "@maplibre/maplibre-gl-leaflet@0.1.4"} {
			if resp.StatusCode != http.StatusOK || !bytes.Contains(b, []byte(want)) {
				t.Errorf("GET %s = %d, lacks %q", about.Licence, resp.StatusCode, want)
			}
		}
		tb.screenshot(e.shots, "about")
	})

	t.Run("interface in Ukrainian and Russian", func(t *testing.T) {
		for lang, want := range map[string]string{"uk": "Населені пункти на лінії фронту", "ru": "Населённые пункты на линии фронта"} {
			tb := e.tab(t)
			tb.open(base + "/?lang=" + lang + "&as_of=2025-03-30&lat=50.93&lon=35.4&z=11.5")
			var got struct{ H1, Legend, Label string }
			tb.eval(`({h1: document.querySelector("h1").textContent, legend: document.querySelector(".legend-title").textContent,
				label: document.getElementById("date-label").textContent})`, &got)
			if got.H1 != want || !strings.Contains(got.Label, "2025") || strings.Contains(got.Label, "March") {
				t.Errorf("lang=%s: h1 %q, date %q", lang, got.H1, got.Label)
			}
			tb.screenshot(e.shots, "page-"+lang)
		}
	})

	t.Run("clicking Popovka opens its claims", func(t *testing.T) {
		tb := e.tab(t)
		tb.open(base + "/?as_of=2025-03-30&lat=50.903&lon=35.42&z=12.5")
		x, y := tb.screenPoint(popovka)
		tb.do(chromedp.MouseClickXY(x, y))
		tb.waitFor("Popovka's popup", `(() => { const p = document.querySelector(".leaflet-popup-content .pop[data-id='ru-bel-popovka-kr']");
			return p && p.querySelector(".pop-views") })()`)
		var text string
		tb.eval(`document.querySelector(".leaflet-popup-content").innerText`, &text)
		for _, want := range []string{"Popovka", "Поповка", "Попівка", "Institute for the Study of War", "Russian military bloggers",
			"advance", "geolocated footage", "29 March 2025", "via Kyiv Independent", "Disputed", "Full history"} {
			if !strings.Contains(text, want) {
				t.Errorf("popup lacks %q:\n%s", want, text)
			}
		}
		var loc string
		tb.eval(`location.search`, &loc)
		if !strings.Contains(loc, "place=ru-bel-popovka-kr") {
			t.Errorf("URL %q does not name the open place", loc)
		}
		tb.screenshot(e.shots, "popup-popovka")
		// The full history lists every claim, in a dialog.
		tb.do(chromedp.Click(chromedp.CSS(".pop-history")))
		tb.waitFor("the history", `document.getElementById("history-dialog").open && document.querySelectorAll("#history-list li").length === 4`)
		tb.screenshot(e.shots, "history-popovka")
	})

	t.Run("who holds Demidovka as of 30 March 2025, and the embed code", func(t *testing.T) {
		tb := e.tab(t)
		tb.open(base + "/")
		tb.setControl("date-input", "2025-03-30")
		tb.do(chromedp.SendKeys(chromedp.ID("search-input"), "Demidovka"), chromedp.Click(chromedp.CSS("#search-form button[type=submit]")))
		tb.waitFor("Demidovka's popup", `(() => { const p = document.querySelector(".leaflet-popup-content .pop[data-id='ru-bel-demidovka']");
			return p && p.querySelector(".pop-views") })()`)
		tb.idle()
		var sources []string
		tb.eval(`[...document.querySelectorAll(".pop-views li .v-source")].map(e => e.textContent)`, &sources)
		want := []string{"Black Bird Group", "Russian military bloggers", "Russian Ministry of Defence", "President of Russia"}
		if strings.Join(sources, "|") != strings.Join(want, "|") {
			t.Errorf("Demidovka's popup lists %q, want %q", sources, want)
		}
		var status string
		tb.eval(`document.querySelector(".pop-status").innerText`, &status)
		if !strings.Contains(status, "Disputed") || !strings.Contains(status, "30 March 2025") {
			t.Errorf("status line %q", status)
		}
		if props := tb.renderedAt(demidovka); props == nil || props["status"] != "disputed" || props["id"] != "ru-bel-demidovka" {
			t.Errorf("Demidovka is drawn with %v, want disputed", props)
		}
		tb.screenshot(e.shots, "demidovka-2025-03-30")

		tb.do(chromedp.Click(chromedp.ID("embed-open")))
		tb.waitFor("the embed code", `document.getElementById("embed-code").value.startsWith("<div")`)
		var code, page string
		tb.eval(`document.getElementById("embed-code").value`, &code)
		tb.eval(`location.href`, &page)
		for _, want := range []string{"<iframe", "/embed?", "as_of=2025-03-30", "place=ru-bel-demidovka", `title="Map: front-line settlements as of 30 March 2025`,
			"aria-describedby=", "Demidovka"} {
			if !strings.Contains(code, want) {
				t.Errorf("embed code lacks %q:\n%s", want, code)
			}
		}
		// The dialog shows exactly what oEmbed answers for the page.
		var o web.OEmbedResponse
		getJSON(t, base+"/oembed?url="+url.QueryEscape(page), &o)
		if o.HTML != code {
			t.Errorf("dialog code differs from oEmbed:\n%s\n%s", code, o.HTML)
		}
		editorsEmbed = code
		tb.screenshot(e.shots, "embed-dialog")
	})

	t.Run("search says when a name is ambiguous", func(t *testing.T) {
		tb := e.tab(t)
		tb.open(base + "/?as_of=2025-03-30")
		tb.do(chromedp.SendKeys(chromedp.ID("search-input"), "Popovka, Korochansky district"),
			chromedp.Click(chromedp.CSS("#search-form button[type=submit]")))
		tb.waitFor("the candidates", `document.querySelector("#search-results .ambiguous") && document.querySelectorAll("#search-results .cand").length > 0`)
		var msg string
		tb.eval(`document.getElementById("search-results").innerText`, &msg)
		if !strings.Contains(msg, "ambiguous") || !strings.Contains(msg, "Krasnoyaruzhsky District") {
			t.Errorf("search results %q", msg)
		}
		tb.screenshot(e.shots, "search-ambiguous")
		tb.do(chromedp.Click(chromedp.CSS("#search-results .cand")))
		tb.waitFor("Popovka's popup", `document.querySelector(".leaflet-popup-content .pop[data-id='ru-bel-popovka-kr'] .pop-views")`)
	})

	t.Run("changing the date changes how Sudzha is drawn", func(t *testing.T) {
		tb := e.tab(t)
		tb.open(base + "/?as_of=2024-09-01&lat=51.17&lon=35.3&z=11")
		want := map[string]string{"2024-09-01": "ua", "2025-03-20": "ru"}
		for _, date := range []string{"2024-09-01", "2025-03-20"} {
			if date != "2024-09-01" {
				tb.setControl("date-input", date)
				tb.waitFor("tiles of "+date, `document.documentElement.dataset.tiledRendered !== "0"`)
				tb.idle()
			}
			props := tb.renderedAt(sudzha)
			if props == nil || props["status"] != want[date] {
				t.Errorf("as of %s Sudzha is drawn with %v, want status %s", date, props, want[date])
			}
			if len(e.rec.tiles(url.Values{"as_of": {date}})) == 0 {
				t.Errorf("no tile requested with as_of=%s", date)
			}
			img := tb.screenshot(e.shots, "sudzha-"+date)
			x, y := tb.screenPoint(sudzha)
			if c, k := colourNear(img, x, y); c != want[date] {
				t.Errorf("as of %s Sudzha's pixels are %q (%d px), want %q", date, c, k, want[date])
			}
		}
	})

	t.Run("table view lists every settlement", func(t *testing.T) {
		var fc struct {
			NumberMatched int `json:"numberMatched"`
		}
		getJSON(t, base+"/api/settlements?as_of=2025-03-30&limit=10000", &fc)
		tb := e.tab(t)
		tb.open(base + "/?as_of=2025-03-30")
		tb.do(chromedp.Click(chromedp.ID("table-toggle")))
		tb.waitFor("the table", `document.querySelectorAll("#table-view tbody tr").length > 0`)
		var rows int
		tb.eval(`document.querySelectorAll("#table-view tbody tr").length`, &rows)
		if rows != fc.NumberMatched || rows < 59 {
			t.Errorf("table view has %d rows, want %d", rows, fc.NumberMatched)
		}
		var summary string
		tb.eval(`document.getElementById("tiled-summary").textContent`, &summary)
		if !strings.Contains(summary, "disagree about 3") || !strings.Contains(summary, "Demidovka") {
			t.Errorf("summary %q", summary)
		}
		tb.screenshot(e.shots, "table-view")
	})

	t.Run("without JavaScript the page is the table", func(t *testing.T) {
		tb := e.tab(t)
		tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}), chromedp.Navigate(base+"/?as_of=2025-03-30"))
		var rows int
		tb.eval(`document.querySelectorAll("noscript").length && [...document.querySelectorAll("table.settlements tbody tr")].filter(r => r.offsetParent).length`, &rows)
		if rows != 59 {
			t.Errorf("%d table rows shown without script, want 59", rows)
		}
		tb.screenshot(e.shots, "noscript")
	})

	t.Run("permalink restores view, date and source", func(t *testing.T) {
		tb := e.tab(t)
		tb.open(base + "/")
		tb.setControl("source-select", "isw")
		tb.setControl("date-input", "2025-03-28")
		tb.eval(`new Promise(res => { tiled.map.once("moveend", () => res(true)); tiled.map.setView([50.95, 35.31], 10.5, {animate: false}) })`, nil)
		tb.idle()
		var link string
		tb.eval(`location.href`, &link)
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if q.Get("as_of") != "2025-03-28" || q.Get("source") != "isw" || q.Get("z") != "10.5" {
			t.Fatalf("permalink %s lacks the view", link)
		}
		tb2 := e.tab(t)
		tb2.open(link)
		var got struct {
			Date, Source string
			Lat, Lon, Z  float64
			View         string
		}
		tb2.eval(`tiled.gl().then(gl => ({date: document.getElementById("date-input").value, source: document.getElementById("source-select").value,
			lat: tiled.map.getCenter().lat, lon: tiled.map.getCenter().lng, z: tiled.map.getZoom(),
			view: (gl.queryRenderedFeatures({layers: tiled.symbolLayers})[0] || {properties: {}}).properties.view}))`, &got)
		if got.Date != "2025-03-28" || got.Source != "isw" || got.Z != 10.5 || math.Abs(got.Lat-50.95) > 1e-4 ||
			math.Abs(got.Lon-35.31) > 1e-4 || got.View != "isw" {
			t.Errorf("the permalink restored %+v, want 2025-03-28, isw, 50.95, 35.31, z 10.5", got)
		}
		if len(e.rec.tiles(url.Values{"as_of": {"2025-03-28"}, "source": {"isw"}})) == 0 {
			t.Error("no tile requested with as_of=2025-03-28&source=isw")
		}
		tb2.screenshot(e.shots, "permalink-isw")
	})

	t.Run("embed in an iframe on another origin", func(t *testing.T) {
		code := editorsEmbed
		if code == "" { // this subtest alone: the same view's code from oEmbed
			var o web.OEmbedResponse
			page := base + "/?as_of=2025-03-30&lat=50.90&lon=35.42&z=12&place=ru-bel-demidovka"
			getJSON(t, base+"/oembed?url="+url.QueryEscape(page), &o)
			code = o.HTML
		}
		origin := base
		host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, hostPage, code, origin)
		}))
		t.Cleanup(host.Close)
		// localhost and 127.0.0.1 are different origins (and sites): the embed is cross-origin, as in a newsroom.
		hostURL := strings.Replace(host.URL, "127.0.0.1", "localhost", 1)
		tb := e.tab(t)
		tb.do(chromedp.Navigate(hostURL))
		tb.waitFor("the embed to draw", `msgs.some(m => m.type === "tiled:rendered" && m.features > 0)`)
		var ready struct{ AsOf, Source, Place string }
		tb.eval(`(() => { const m = msgs.filter(m => m.type === "tiled:rendered").pop(); return {asof: m.as_of, source: m.source, place: m.place} })()`, &ready)
		if ready.AsOf != "2025-03-30" || ready.Source != "consensus" || ready.Place != "ru-bel-demidovka" {
			t.Errorf("the embed shows %+v, want the editor's view: Demidovka as of 2025-03-30, all sources", ready)
		}
		tb.waitFor("the host to resize the iframe", `msgs.some(m => m.type === "tiled:height") &&
			document.querySelector("iframe").style.height === msgs.filter(m => m.type === "tiled:height").pop().height + "px"`)
		tb.screenshot(e.shots, "embed-host")

		// A wheel over the map scrolls the host page and leaves the map's zoom alone.
		var before struct {
			Y    float64
			Zoom float64
		}
		tb.eval(`({y: scrollY, zoom: msgs.filter(m => m.zoom !== undefined).pop().zoom})`, &before)
		var box struct{ X, Y, W, H float64 }
		tb.eval(`(() => { const r = document.querySelector("iframe").getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height} })()`, &box)
		mx, my := box.X+box.W/2, box.Y+box.H/2
		for range 3 {
			tb.do(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseWheel, mx, my, func(p *input.DispatchMouseEventParams) {
				// cdproto omits a zero deltaX, which the protocol requires: send a negligible one.
				p.DeltaX, p.DeltaY = 0.01, 120
			}))
		}
		tb.waitFor("the host page to scroll", `scrollY > 100`)
		tb.eval(`(() => { msgs.length = 0; document.querySelector("iframe").contentWindow.postMessage({type: "tiled:getState"}, "*"); return true })()`, nil)
		tb.waitFor("the embed's state", `msgs.some(m => m.type === "tiled:state")`)
		var after struct{ Zoom float64 }
		tb.eval(`msgs.filter(m => m.type === "tiled:state").pop()`, &after)
		if after.Zoom != before.Zoom {
			t.Errorf("a plain wheel zoomed the embedded map from %v to %v", before.Zoom, after.Zoom)
		}

		// The postMessage API: set the date, the source, fly to a place.
		tb.eval(`(() => { msgs.length = 0; const f = document.querySelector("iframe").contentWindow;
			f.postMessage({type: "tiled:setDate", date: "2024-09-01"}, "*"); f.postMessage({type: "tiled:setSource", source: "ua-command"}, "*"); return true })()`, nil)
		tb.waitFor("the embed to redraw", `msgs.some(m => m.type === "tiled:rendered" && m.as_of === "2024-09-01" && m.source === "ua-command")`)
		if len(e.rec.tiles(url.Values{"as_of": {"2024-09-01"}, "source": {"ua-command"}})) == 0 {
			t.Error("the embed requested no tile with as_of=2024-09-01&source=ua-command")
		}
		tb.eval(`(() => { msgs.length = 0; document.querySelector("iframe").contentWindow.postMessage({type: "tiled:flyTo", place: "Sudzha"}, "*"); return true })()`, nil)
		tb.waitFor("the embed to fly to Sudzha", `msgs.some(m => m.type === "tiled:state" && m.place === "486816")`)
		tb.do(chromedp.Sleep(300 * time.Millisecond))
		tb.screenshot(e.shots, "embed-host-sudzha")
	})

	t.Run("a configured raster basemap on another host is drawn", func(t *testing.T) {
		tiles, served := basemapTiles(t)
		srv, _ := newPageServer(t, web.Config{BasemapTiles: tiles.URL + "/{z}/{x}/{y}.png", BasemapAttribution: "Test basemap"})
		tb := e.tab(t)
		tb.open(srv.URL + "/?as_of=2025-03-30&lat=51.0&lon=35.4&z=9")
		if *served == 0 {
			t.Error("no basemap tile was requested")
		}
		var attribution string
		tb.eval(`document.querySelector(".leaflet-control-attribution").textContent`, &attribution)
		if !strings.Contains(attribution, "Test basemap") || !strings.Contains(attribution, "GeoNames") {
			t.Errorf("attribution %q lacks the basemap's or the data's", attribution)
		}
		img := tb.screenshot(e.shots, "basemap")
		// The tiles' graticule shows through: grey lines cross a row of the map.
		lines := 0
		for x := 300; x < 1280; x++ {
			r, g, b, _ := img.At(x, 760).RGBA()
			r, g, b = r>>8, g>>8, b>>8
			if r >= 0xc0 && r <= 0xdc && g >= 0xc0 && g <= 0xdc && b >= 0xb8 && b <= 0xdc {
				lines++
			}
		}
		if lines < 5 {
			t.Errorf("%d pixels of the basemap's graticule in row 760, want the basemap drawn", lines)
		}
	})

	t.Run("embed alone is responsive and has a table", func(t *testing.T) {
		tb := e.tab(t)
		tb.do(chromedp.EmulateViewport(420, 640))
		tb.open(base + "/embed?as_of=2025-03-30&lat=50.95&lon=35.36&z=9.5")
		tb.screenshot(e.shots, "embed-narrow")
		tb.do(chromedp.Click(chromedp.ID("toggle-table")))
		tb.waitFor("the embed's table", `document.querySelectorAll("#table-view tbody tr").length >= 59`)
		tb.screenshot(e.shots, "embed-narrow-table")
	})
}

// basemapTiles serves plain raster tiles: pale land with a graticule, and a count of the tiles served.
func basemapTiles(t *testing.T) (*httptest.Server, *int64) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for y := range 256 {
		for x := range 256 {
			c := color.RGBA{0xe8, 0xec, 0xe0, 0xff}
			if x%64 == 0 || y%64 == 0 {
				c = color.RGBA{0xc9, 0xd2, 0xc0, 0xff}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var n int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Write(b.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

const hostPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>Host article</title>
<style>body{font:18px/1.5 Georgia,serif;max-width:760px;margin:0 auto;padding:0 16px} .filler{height:2400px;color:#777}</style>
</head><body>
<h1>Fighting on the border</h1>
<p>An article in a newsroom's CMS, on another origin than the map.</p>
%s
<div class="filler"><p>The article goes on.</p></div>
<script>
window.msgs = [];
addEventListener("message", function (e) {
  if (e.origin !== %q || !e.data || typeof e.data.type !== "string") return;
  msgs.push(e.data);
  if (e.data.type === "tiled:height") {
    document.querySelectorAll("iframe").forEach(function (f) { if (f.contentWindow === e.source) f.style.height = e.data.height + "px"; });
  }
});
</script>
</body></html>`

func getJSON(t *testing.T, u string, out any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s", u, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("GET %s: %v: %s", u, err, b)
	}
}
