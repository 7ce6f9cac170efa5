package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tiled-maps/tiled/data"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/web"
)

// More places the view tests look at.
var (
	prilesye  = geoPoint{50.87639, 35.41417}
	gogolevka = geoPoint{51.151111, 35.20629}
	grafovka  = geoPoint{50.91806, 35.4275}
)

// nearWhite reports whether the pixel at (x, y) is white or nearly so.
func nearWhite(img image.Image, x, y float64) bool {
	r, g, b, _ := img.At(int(math.Round(x)), int(math.Round(y))).RGBA()
	return r>>8 > 230 && g>>8 > 230 && b>>8 > 230
}

// TestBrowserView drives what a reader sees first, on the day the issue was filed (every claim stale): the date the
// map shows, claimed versus confirmed symbols, Gogolevka disputed, the state border, the popup's dates, the embed
// with a place open, and a 390-pixel phone.
func TestBrowserView(t *testing.T) {
	e := newBrowserEnvWith(t, func() (*httptest.Server, *recorder) {
		db := testdb.Open(t)
		if _, err := seed.Load(context.Background(), db); err != nil {
			t.Fatal(err)
		}
		return newPageServerDB(t, web.Config{BasemapTiles: "none"}, db, issueNow)
	})
	base := e.srv.URL

	t.Run("default date: the latest claims, said so", func(t *testing.T) {
		tb := e.tab(t)
		tb.open(base + "/")
		var got struct{ Label, Date string }
		tb.eval(`({label: document.getElementById("view-label").textContent, date: document.getElementById("date-input").value})`, &got)
		if got.Label != "Latest claims: 12 April 2025" || got.Date != "2025-04-12" {
			t.Errorf("opened with no date: label %q, date %q; want Latest claims: 12 April 2025", got.Label, got.Date)
		}
		var faded int
		tb.eval(`tiled.gl().then(gl => gl.queryRenderedFeatures({layers: tiled.symbolLayers}).filter(f => f.properties.sources > 0 && f.properties.stale).length)`, &faded)
		if faded != 0 {
			t.Errorf("%d places with claims drawn as stale on the default date, want none", faded)
		}
		tb.screenshot(e.shots, "view-default-date")
		tb2 := e.tab(t)
		tb2.open(base + "/embed")
		tb2.eval(`document.getElementById("view-label").textContent`, &got.Label)
		if got.Label != "Latest claims: 12 April 2025" {
			t.Errorf("embed label %q", got.Label)
		}
	})

	t.Run("search results name places in the page's language", func(t *testing.T) {
		tb := e.tab(t)
		tb.open(base + "/?lang=uk")
		// Two Popovkas in Korochansky's neighbourhood: a list of candidates, each named in Ukrainian.
		tb.do(chromedp.SendKeys(chromedp.ID("search-input"), "Popovka, Korochansky district"),
			chromedp.Click(chromedp.CSS("#search-form button[type=submit]")))
		tb.waitFor("the candidates", `document.querySelectorAll("#search-results .cand").length > 0`)
		var names []string
		tb.eval(`[...document.querySelectorAll("#search-results .cand strong")].map(s => s.textContent)`, &names)
		for _, n := range names {
			if n != "Попівка" {
				t.Errorf("Latin query Popovka on the Ukrainian page: candidates named %q, want each Попівка", names)
				break
			}
		}
		tb.screenshot(e.shots, "search-uk")
		// One Sudzha: the map flies to it and its card is named in Ukrainian.
		var cleared string
		tb.eval(`document.getElementById("search-input").value = ""`, &cleared)
		tb.do(chromedp.SendKeys(chromedp.ID("search-input"), "Sudzha"), chromedp.Click(chromedp.CSS("#search-form button[type=submit]")))
		tb.waitFor("Sudzha's card", `document.querySelector(".pop[data-id='486816'] .pop-name")`)
		var name string
		tb.eval(`document.querySelector(".pop[data-id='486816'] .pop-name").textContent`, &name)
		if name != "Суджа" {
			t.Errorf("Sudzha found from the Ukrainian page is named %q, want Суджа", name)
		}
	})

	t.Run("claimed by one side is hollow, confirmed is filled", func(t *testing.T) {
		tb := e.tab(t)
		tb.open(base + "/?as_of=2025-03-20&lat=51.03&lon=35.33&z=10")
		tb.idle()
		p, s := tb.renderedAt(prilesye), tb.renderedAt(sudzha)
		if p == nil || p["status"] != "ru" || p["basis"] != "claimed" {
			t.Errorf("Prilesye drawn with %v, want ru, claimed", p)
		}
		if s == nil || s["status"] != "ru" || s["basis"] != "confirmed" {
			t.Errorf("Sudzha drawn with %v, want ru, confirmed", s)
		}
		img := tb.screenshot(e.shots, "view-claimed-confirmed")
		px, py := tb.screenPoint(prilesye)
		sx, sy := tb.screenPoint(sudzha)
		// 3.5 px right of the centre: inside the shape, off the centre dot.
		if !nearWhite(img, px+3.5, py) {
			t.Errorf("Prilesye (claimed by Russia only) is filled at its centre, want a hollow circle")
		}
		if c, n := colourNear(img, sx, sy); c != "ru" || nearWhite(img, sx+3.5, sy) {
			t.Errorf("Sudzha (confirmed) is %q (%d px), want a filled Russia circle", c, n)
		}
		var legend []string
		tb.eval(`[...document.querySelectorAll(".legend li")].map(li => li.textContent.trim())`, &legend)
		if !strings.Contains(strings.Join(legend, "|"), "Claimed by Russia only") {
			t.Errorf("legend %q lacks the claimed symbol", legend)
		}
	})

	t.Run("Gogolevka is disputed once every claim is stale", func(t *testing.T) {
		tb := e.tab(t)
		tb.open(base + "/?as_of=2025-05-15&lat=51.16&lon=35.23&z=11&place=ru-krs-gogolevka")
		tb.waitFor("Gogolevka's popup", `document.querySelector(".pop[data-id='ru-krs-gogolevka'] .pop-views")`)
		tb.idle()
		g := tb.renderedAt(gogolevka)
		for i := 0; i < 20 && g == nil; i++ { // symbols are placed a frame or two after the tiles arrive
			time.Sleep(250 * time.Millisecond)
			g = tb.renderedAt(gogolevka)
		}
		if g == nil || g["status"] != "disputed" {
			t.Errorf("Gogolevka as of 2025-05-15 drawn with %v, want disputed", g)
		}
		var text string
		tb.eval(`document.querySelector(".leaflet-popup-content").innerText`, &text)
		for _, want := range []string{"Disputed", "Russian Ministry of Defence", "DeepState", "week of 28 March 2025"} {
			if !strings.Contains(text, want) {
				t.Errorf("Gogolevka's popup lacks %q:\n%s", want, text)
			}
		}
		tb.screenshot(e.shots, "view-gogolevka-disputed")
	})

	t.Run("a claim published after the view date is marked", func(t *testing.T) {
		tb := e.tab(t)
		tb.open(base + "/?as_of=2025-03-19&lat=50.93&lon=35.4&z=11.5&place=ru-bel-demidovka")
		tb.waitFor("Demidovka's popup", `document.querySelector(".pop[data-id='ru-bel-demidovka'] .pop-views")`)
		var text string
		tb.eval(`document.querySelector(".pop[data-id='ru-bel-demidovka'] li[data-source='isw']").innerText`, &text)
		if !strings.Contains(text, "published after 19 March 2025") {
			t.Errorf("ISW's claim of 19 March, published on the 20th, is not marked:\n%s", text)
		}
	})

	t.Run("the state border is drawn at every zoom", func(t *testing.T) {
		tb := e.tab(t)
		for _, z := range []string{"5", "8", "12"} {
			tb.open(base + "/?as_of=2025-03-30&lat=" + fmt.Sprint(grafovka.Lat) + "&lon=35.36&z=" + z)
			tb.idle()
			var n int
			tb.eval(`tiled.gl().then(gl => gl.queryRenderedFeatures({layers: ["boundaries"]}).filter(f => f.properties.countries === "Russia|Ukraine").length)`, &n)
			if n == 0 {
				t.Errorf("z%s: no Russia–Ukraine border drawn", z)
			}
			tb.screenshot(e.shots, "view-border-z"+z)
		}
	})

	t.Run("embed with a place keeps it in view above a compact card", func(t *testing.T) {
		tb := e.tab(t)
		tb.do(chromedp.EmulateViewport(640, 420))
		tb.open(base + "/embed?as_of=2025-03-30&place=Demidovka&z=11")
		tb.waitFor("the card", `!document.getElementById("place-card").hidden && document.querySelector("#place-card .pop-views")`)
		tb.idle()
		var box struct{ MapTop, MapBottom, CardTop, CardHeight, MapHeight float64 }
		tb.eval(`(() => { const m = document.getElementById("map").getBoundingClientRect(), c = document.getElementById("place-card").getBoundingClientRect();
			return {maptop: m.top, mapbottom: m.bottom, cardtop: c.top, cardheight: c.height, mapheight: m.height} })()`, &box)
		x, y := tb.screenPoint(demidovka)
		if y < box.MapTop+8 || y > box.CardTop-8 || x < 8 || x > 632 {
			t.Errorf("Demidovka is drawn at (%.0f, %.0f), not in the map above the card (map %.0f–%.0f, card from %.0f)", x, y, box.MapTop, box.MapBottom, box.CardTop)
		}
		if box.CardHeight > 0.5*box.MapHeight {
			t.Errorf("the card is %.0f px high in a %.0f px map, want a compact card", box.CardHeight, box.MapHeight)
		}
		tb.screenshot(e.shots, "view-embed-place")
	})

	t.Run("a phone at 390 px", func(t *testing.T) {
		tb := e.tab(t)
		tb.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
		tb.open(base + "/?as_of=2025-03-30&place=Demidovka&z=11")
		tb.waitFor("the card", `!document.getElementById("place-card").hidden && document.querySelector("#place-card .pop-views")`)
		tb.idle()
		var got struct {
			ScrollWidth           float64
			Folded                bool
			LegendBottom, CardTop float64
			CardLeft, CardRight   float64
		}
		tb.eval(`(() => { const l = document.querySelector(".tiled-legend"), c = document.getElementById("place-card").getBoundingClientRect();
			return {scrollwidth: document.documentElement.scrollWidth, folded: l.classList.contains("folded"),
				legendbottom: l.getBoundingClientRect().bottom, cardtop: c.top, cardleft: c.left, cardright: c.right} })()`, &got)
		if got.ScrollWidth > 390 {
			t.Errorf("the page is %.0f px wide on a 390 px phone: it scrolls sideways", got.ScrollWidth)
		}
		if !got.Folded {
			t.Error("the legend stays open over the map while a place is open")
		}
		if got.CardLeft < 0 || got.CardRight > 390 {
			t.Errorf("the card spans %.0f–%.0f px, wider than the screen", got.CardLeft, got.CardRight)
		}
		var right float64
		tb.eval(`Math.max(...[...document.querySelectorAll("header *, .toolbar *")].map(el => el.getBoundingClientRect().right))`, &right)
		if right > 390 {
			t.Errorf("a control reaches %.0f px on a 390 px screen", right)
		}
		if x, y := tb.screenPoint(demidovka); y > got.CardTop-8 || x < 8 || x > 382 {
			t.Errorf("Demidovka is drawn at (%.0f, %.0f), hidden by its card (from %.0f px)", x, y, got.CardTop)
		}
		tb.screenshot(e.shots, "view-phone-390")
		// The legend unfolds on demand.
		tb.do(chromedp.Click(chromedp.CSS(".legend-fold")))
		var folded bool
		tb.eval(`document.querySelector(".tiled-legend").classList.contains("folded")`, &folded)
		if folded {
			t.Error("the legend does not unfold")
		}
		tb.screenshot(e.shots, "view-phone-390-legend")
	})
}

// TestBrowserLargeStore: on the 140,000-place store (seed and GeoNames cities1000, make bench-data), Kursk,
// Belgorod and Sumy are named at zoom 6, and the table and the page stay small: the places with claims first, paged.
func TestBrowserLargeStore(t *testing.T) {
	e := newBrowserEnvWith(t, func() (*httptest.Server, *recorder) {
		db := testdb.Large(t, "..", 0, 0)
		rec := ledger.Recorder{Store: db.Ledger(), Places: db.Gazetteer()}
		if _, err := rec.Import(context.Background(), ledger.Input{Claims: bytes.NewReader(data.Claims()), ClaimsFile: "claims.csv"}); err != nil {
			t.Fatal(err)
		}
		return newPageServerDB(t, web.Config{BasemapTiles: "none"}, db, issueNow)
	})
	base := e.srv.URL

	t.Run("towns named at z6", func(t *testing.T) {
		tb := e.tab(t)
		tb.open(base + "/?lat=51.2&lon=36.2&z=6")
		tb.idle()
		var names []string
		tb.eval(`tiled.gl().then(gl => gl.queryRenderedFeatures({layers: ["settlement-labels", "settlement-labels-claimed"]}).map(f => f.properties.name))`, &names)
		for _, town := range []string{"Kursk", "Belgorod", "Sumy"} {
			if !strings.Contains(strings.Join(names, "|"), town) {
				t.Errorf("%s is not named at z6 (named: %v)", town, names)
			}
		}
		tb.screenshot(e.shots, "large-z6")
	})

	t.Run("the table pages, the places with claims first", func(t *testing.T) {
		resp, err := http.Get(base + "/table")
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		resp.Body.Close()
		if b.Len() > 400_000 {
			t.Errorf("/table is %d bytes on the large store, want a page, not every row", b.Len())
		}
		tb := e.tab(t)
		tb.open(base + "/?view=table")
		tb.waitFor("the table", `document.querySelectorAll("#table-view tbody tr").length > 0`)
		var got struct {
			Rows, Claimed int
			Next, Summary string
			FirstClaimed  bool
		}
		tb.eval(`(() => { const rows = [...document.querySelectorAll("#table-view tbody tr")];
			return {rows: rows.length, claimed: rows.filter(r => r.dataset.status !== "unknown").length,
				firstclaimed: rows.slice(0, 6).every(r => r.dataset.status !== "unknown"),
				next: (document.querySelector("#table-view a.table-next") || {}).textContent || "",
				summary: document.getElementById("tiled-summary").textContent} })()`, &got)
		if got.Rows > 200 || got.Rows < 100 || !got.FirstClaimed || !strings.Contains(got.Next, "Show the next 200") {
			t.Errorf("table: %d rows, the 6 first with claims %v, next %q; want a page of 200, claims first, a next link", got.Rows, got.FirstClaimed, got.Next)
		}
		if !strings.Contains(got.Summary, "6 of its 1") || strings.Contains(got.Summary, "of its 2000") {
			t.Errorf("summary %q, want the store's full count", got.Summary)
		}
		tb.screenshot(e.shots, "large-table")
		tb.do(chromedp.Click(chromedp.CSS("#table-view a.table-next")))
		tb.waitFor("the second page", `document.querySelector("#table-view .table-paging") && document.querySelector("#table-view .table-paging").textContent.includes("201–400")`)
	})
}
