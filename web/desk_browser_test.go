package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/web"
)

// The desk in headless Chromium (issue 11's proof): sign in with a token, paste a report, fix an ambiguous place
// on the mini-map, accept two proposals and reject one, find them on the public map with "from report", review by
// keyboard alone, see hostile report text as text, sign out and find the desk closed, and a cross-site form post
// refused. Screenshots of the review screen in each language go to testdata/screenshots.

// startChromium starts a headless Chromium for the desk tests (skipping as the map's browser tests do).
func startChromium(t *testing.T) *browserEnv {
	t.Helper()
	chrome := chromiumPath()
	if chrome == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no Chromium: CI must run the browser tests (.ci/run installs chromium)")
		}
		t.Skip("no Chromium installed; skipping the desk's browser tests")
	}
	if _, err := os.Stat("static/vendor/leaflet.js"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no front-end assets: run make assets (make test does)")
		}
		t.Skip("no front-end assets in web/static/vendor: run make assets")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("lang", "en-GB"))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
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
	return &browserEnv{browser: browser, shots: shots}
}

// str evaluates a script to a string.
func (tb *tab) str(script string) string {
	tb.t.Helper()
	var s string
	tb.eval(script, &s)
	return s
}

// waitAfterNav polls script until truthy, across page loads (a form's submission navigates while polling).
func (tb *tab) waitAfterNav(what, script string) {
	tb.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool]("!!("+script+")"))
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.t.Fatalf("waiting for %s (%s): timed out", what, script)
}

// signInDesk opens the desk, is sent to the sign-in page, and signs in with token.
func (tb *tab) signInDesk(base, token string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(base + "/desk"))
	tb.waitFor("the sign-in page", `location.pathname === "/desk/signin" && !!document.getElementById("token")`)
	tb.do(chromedp.SendKeys(chromedp.CSS("#token"), token), chromedp.Click(chromedp.CSS("#signin-submit")))
	tb.waitAfterNav("the desk", `location.pathname === "/desk" && !!document.querySelector("#desk-view h1")`)
}

// pasteInDesk pastes a report through the desk's form and waits for the review screen.
func (tb *tab) pasteInDesk(text, title, outlet, url, published string) {
	tb.t.Helper()
	tb.eval(`location.hash = "#new"; true`, nil)
	tb.waitFor("the report form", `!!document.querySelector("form.new-report textarea")`)
	tb.eval(fmt.Sprintf(`(() => { const f = document.querySelector("form.new-report");
		const set = (n, v) => { const el = f.querySelector("[name=" + n + "]"); el.value = v; };
		set("text", %q); set("title", %q); set("outlet", %q); set("url", %q); set("published_at", %q);
		f.requestSubmit(); return true })()`, text, title, outlet, url, published), nil)
	tb.waitFor("the review screen", `/^#report\/\d+$/.test(location.hash) && !!document.querySelector(".report-text")`)
}

// cardWhere returns the index of the first card whose control name has value, -1 for none.
func (tb *tab) cardWhere(name, value string) int {
	tb.t.Helper()
	var n int
	tb.eval(fmt.Sprintf(`[...document.querySelectorAll("article.card")].findIndex((c) => c.querySelector("[name=%s]").value === %q)`, name, value), &n)
	return n
}

func TestDeskInBrowser(t *testing.T) {
	be := startChromium(t)
	e := newDeskEnv(t, web.Config{})
	tb := be.tab(t)
	dev02, err := os.ReadFile("testdata/reports/dev-02-ru.txt")
	if err != nil {
		t.Fatal(err)
	}
	dev03, err := os.ReadFile("testdata/reports/dev-03-en.txt")
	if err != nil {
		t.Fatal(err)
	}
	base := e.srv.URL
	tb.signInDesk(base, e.editor)
	if who := tb.str(`document.getElementById("who").textContent`); !strings.Contains(who, "edna") {
		t.Errorf("signed in as %q, want edna", who)
	}

	// dev-02-ru: every mention marked, three proposals.
	tb.pasteInDesk(string(dev02), "Бои в Демидовке", "Test outlet", "https://example.org/dev-02", "2025-03-23")
	tb.waitFor("three proposal cards", `document.querySelectorAll("article.card").length === 3`)
	var marks struct{ Resolved, Region int }
	tb.eval(`({Resolved: document.querySelectorAll(".report-text mark.mention-resolved").length,
		Region: document.querySelectorAll(".report-text mark.mention-region").length})`, &marks)
	if marks.Resolved < 4 || marks.Region != 1 {
		t.Errorf("dev-02 marks = %+v, want 4 settlement mentions found and 1 region", marks)
	}
	// Accept Romanov's and SHOT's claims (the parser leaves the evidence to the editor), reject the milbloggers'.
	for _, src := range []string{"romanov", "shot"} {
		n := tb.cardWhere("source", src)
		if n < 0 {
			t.Fatalf("no card for source %s", src)
		}
		sel := fmt.Sprintf(`article.card:nth-of-type(%d)`, n+1)
		tb.eval(fmt.Sprintf(`(() => { const c = document.querySelectorAll("article.card")[%d]; const ev = c.querySelector("[name=evidence]");
			if (!ev.value) ev.value = "milblogger-report"; return true })()`, n), nil)
		tb.do(chromedp.Click(chromedp.CSS(sel + " button.accept")))
		tb.waitFor("the "+src+" card accepted", fmt.Sprintf(`document.querySelectorAll("article.card")[%d].classList.contains("decided-accepted")`, n))
	}
	rej := tb.cardWhere("holder", "contested")
	if rej < 0 {
		t.Fatal("no card for the contested claim")
	}
	tb.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`article.card:nth-of-type(%d) button.reject`, rej+1))))
	tb.waitFor("the third card rejected", fmt.Sprintf(`document.querySelectorAll("article.card")[%d].classList.contains("decided-rejected")`, rej))
	// Screenshots of the review screen in each language.
	reportHash := tb.str(`location.hash`)
	for _, l := range []string{"en", "uk", "ru"} {
		tb.do(chromedp.Navigate(base + "/desk?lang=" + l + reportHash))
		tb.waitFor("the review in "+l, `document.querySelectorAll("article.card").length === 3 && document.documentElement.lang === "`+l+`"`)
		time.Sleep(300 * time.Millisecond) // the mini-map settles
		tb.screenshot(be.shots, "desk-review-"+l)
	}
	tb.do(chromedp.Navigate(base + "/desk" + reportHash))
	tb.waitFor("the review", `document.querySelectorAll("article.card").length === 3`)

	// dev-03-en: "Popovka" is ambiguous among three namesakes; choose the Krasnoyaruzhsky one on the mini-map.
	tb.pasteInDesk(string(dev03), "Conflicting claims over Popovka", "Test wire", "", "2025-03-24")
	tb.waitFor("an ambiguous mention", `document.querySelectorAll(".report-text mark.mention-ambiguous").length > 0`)
	tb.waitFor("the alternatives on the map", `!!document.querySelector("path.mm-alt.mm-place-ru-bel-popovka-kr")`)
	time.Sleep(300 * time.Millisecond) // let the mini-map settle before aiming at a marker
	var pt struct{ X, Y float64 }
	tb.eval(`(() => { const r = document.querySelector("path.mm-alt.mm-place-ru-bel-popovka-kr").getBoundingClientRect();
		return {X: r.x + r.width / 2, Y: r.y + r.height / 2} })()`, &pt)
	tb.do(chromedp.MouseClickXY(pt.X, pt.Y))
	tb.waitFor("every mention of that Popovka placed", `document.querySelectorAll(".report-text mark.mention-chosen").length === 3 && document.querySelectorAll(".report-text mark.mention-ambiguous").length === 0`)
	if offer := tb.str(`(document.querySelector(".fixed-places summary") || {}).textContent || ""`); !strings.Contains(offer, "Popovka") {
		t.Errorf("after placing Popovka: offer = %q, want a claim form about Popovka", offer)
	}
	tb.screenshot(be.shots, "desk-ambiguous-fixed")
	// The same choice by keyboard: the namesakes are buttons too.
	tb.eval(`document.querySelector("button.pick-place[data-place=ns-ru-bel-popovka-korocha]").focus(); true`, nil)
	tb.do(chromedp.KeyEvent("\r"))
	tb.waitFor("the other Popovka chosen by keyboard", `document.querySelectorAll(".fixed-places details").length === 2 &&
		document.querySelector("button.pick-place[data-place=ns-ru-bel-popovka-korocha]").getAttribute("aria-pressed") === "true"`)

	// Keyboard only: a report of ISW's, its proposal accepted with Tab and Enter.
	tb.pasteInDesk("ISW assessed on April 8 that Russian forces recaptured Demidovka in Belgorod Oblast, citing geolocated footage.",
		"ISW", "ISW", "https://example.org/isw", "2025-04-09")
	tb.waitFor("one card", `document.querySelectorAll("article.card").length === 1`)
	tb.eval(`document.activeElement && document.activeElement.blur(); document.querySelector(".review-text h2").setAttribute("tabindex", "-1"); document.querySelector(".review-text h2").focus(); true`, nil)
	reached := false
	for i := 0; i < 80 && !reached; i++ {
		tb.do(chromedp.KeyEvent("\t"))
		reached = tb.str(`String(document.activeElement.getAttribute("class") || "")`) == "primary accept"
	}
	if !reached {
		t.Fatal("Tab never reached the card's Accept button")
	}
	tb.do(chromedp.KeyEvent("\r"))
	tb.waitFor("the card accepted by keyboard", `document.querySelector("article.card").classList.contains("decided-accepted")`)

	// The other views, for the screenshots: the feed, a settlement's history, the claim form's namesake warning.
	tb.eval(`location.hash = "#feed"; true`, nil)
	tb.waitFor("the feed", `document.querySelectorAll("ol.feed li").length > 0`)
	tb.screenshot(be.shots, "desk-feed")
	tb.eval(`location.hash = "#place/ru-bel-demidovka"; true`, nil)
	tb.waitFor("the history", `document.querySelectorAll("ol.history li").length > 0`)
	tb.do(chromedp.Click(chromedp.CSS("ol.history li.in-force .entry-actions button:nth-of-type(2)")))
	tb.waitFor("the retract form", `!!document.querySelector(".retract-form textarea")`)
	tb.screenshot(be.shots, "desk-history")
	tb.eval(`location.hash = "#claim"; true`, nil)
	tb.waitFor("the claim form", `!!document.querySelector(".claim-form input[type=search]")`)
	tb.do(chromedp.SendKeys(chromedp.CSS(".claim-form input[type=search]"), "Popovka"), chromedp.Click(chromedp.CSS(".place-search > button")))
	tb.waitFor("the namesake warning", `!!document.querySelector(".claim-form .namesake")`)
	tb.screenshot(be.shots, "desk-claim-form")

	tb.eval(`location.hash = "#sources"; true`, nil)
	tb.waitFor("the sources", `document.querySelectorAll("table.sources tbody tr").length > 0`)
	tb.screenshot(be.shots, "desk-sources")

	// Report text holding markup is shown as text.
	tb.pasteInDesk(`Romanov wrote that Demidovka <script>window.__pwned = 1</script> came under Ukrainian control. <img src=x onerror="window.__pwned = 2">`,
		"<b>bold</b>", "x", "", "2025-03-23")
	var pwned any
	tb.eval(`window.__pwned === undefined ? null : window.__pwned`, &pwned)
	text := tb.str(`document.querySelector(".report-text").textContent`)
	if pwned != nil || !strings.Contains(text, "<script>window.__pwned = 1</script>") || !strings.Contains(text, `<img src=x onerror=`) ||
		tb.str(`String(document.querySelectorAll(".report-text script, .report-text img, h1 b").length)`) != "0" {
		t.Errorf("hostile report: pwned = %v, text = %q; want the markup shown as text", pwned, text)
	}

	// The accepted claims are on the public map, the popup says where they came from.
	// The seed has newer claims of the same sources about Demidovka on 23 March (Romanov, SHOT), so the report's
	// claims are in the full history rather than among the views of that day.
	tb.do(chromedp.Navigate(base + "/?place=ru-bel-demidovka&as_of=2025-03-23"))
	tb.waitFor("the popup", `!!document.querySelector(".pop .pop-history")`)
	// Click the popup's history link until its dialog lists the report (a click while the map still flies to the
	// place can land beside the link).
	tb.waitFor("the history with its report", `(() => {
		if (document.querySelector("#history-list .from-report")) return true;
		const a = document.querySelector(".pop .pop-history");
		if (a) a.click();
		return false;
	})()`)
	from := tb.str(`[...document.querySelectorAll("#history-list .from-report")].map((a) => a.textContent + " " + (a.href || "")).join(" | ")`)
	if !strings.Contains(from, "from report: Test outlet, 23 March 2025") || !strings.Contains(from, "https://example.org/dev-02") {
		t.Errorf("popup provenance = %q, want from report: Test outlet, 23 March 2025 linked to its URL", from)
	}
	if pop := tb.str(`document.querySelector(".pop").textContent`); strings.Contains(pop, "Военкор") {
		t.Error("the public popup shows the report's text")
	}
	claims, err := e.db.Ledger().Claims(context.Background(), ledger.ClaimFilter{Settlement: "ru-bel-demidovka"})
	if err != nil {
		t.Fatal(err)
	}
	fromReport := 0
	for _, c := range claims {
		if c.Report != nil && c.Report.Outlet == "Test outlet" && c.RecordedBy == "edna" {
			fromReport++
		}
	}
	if fromReport != 2 {
		t.Errorf("claims from the dev-02 report recorded by edna = %d, want 2", fromReport)
	}

	// Sign out: the desk is closed.
	tb.do(chromedp.Navigate(base + "/desk"))
	tb.waitFor("the desk", `!!document.getElementById("signout")`)
	tb.do(chromedp.Click(chromedp.CSS("#signout")))
	tb.waitAfterNav("the sign-in page", `location.pathname === "/desk/signin"`)
	tb.do(chromedp.Navigate(base + "/desk#feed"))
	tb.waitAfterNav("sent back to sign in", `location.pathname === "/desk/signin"`)
	var status int
	tb.eval(`fetch("/desk/api/feed").then((r) => r.status)`, &status)
	if status != http.StatusUnauthorized {
		t.Errorf("feed after signing out = %d, want 401", status)
	}

	// A cross-site form post with the session cookie and no CSRF token is refused.
	tb.signInDesk(base, e.editor)
	before, _ := e.db.Ledger().Claims(context.Background(), ledger.ClaimFilter{})
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<form id="f" method="post" action="%s/desk/api/claims" enctype="text/plain">
			<input name='{"settlement":"ru-bel-demidovka","source":"isw","holder":"ru","degree":"full","valid_at":"2025-04-01","published_at":"2025-04-01","evidence":"map-update","summary":"forged","x":"' value='"}'>
			</form><script>document.getElementById("f").submit()</script>`, base)
	}))
	defer evil.Close()
	evilURL := strings.Replace(evil.URL, "127.0.0.1", "localhost", 1) // another site than the desk's 127.0.0.1
	tb.do(chromedp.Navigate(evilURL))
	tb.waitAfterNav("the forged post's answer", `location.href.includes("/desk/api/claims")`)
	answer := tb.str(`document.body.textContent`)
	after, _ := e.db.Ledger().Claims(context.Background(), ledger.ClaimFilter{})
	if len(after) != len(before) || !(strings.Contains(answer, `"csrf"`) || strings.Contains(answer, `"cross_origin"`) || strings.Contains(answer, "signed_out")) {
		t.Errorf("cross-site post: answer %q, claims %d → %d; want it refused and nothing recorded", answer, len(before), len(after))
	}

	// The token revoked mid-session: the next action sends the editor to sign in, saying why.
	tb.do(chromedp.Navigate(base + "/desk#feed"))
	tb.waitFor("the feed", `!!document.querySelector("ol.feed")`)
	if err := e.db.Tokens().RevokeToken(context.Background(), "edna"); err != nil {
		t.Fatal(err)
	}
	tb.eval(`location.hash = "#queue"; true`, nil)
	tb.waitAfterNav("the sign-in page saying the token was revoked", `location.pathname === "/desk/signin" && /revoked/.test(document.body.textContent)`)
	// The refusals above are logged by Chromium as failed loads: expected, every other console error still fails.
	tb.expect("status of 401 (Unauthorized) ("+base+"/desk/api/feed",
		"status of 403 (Forbidden) ("+base+"/desk/api/claims", "status of 403 (Forbidden) ("+base+"/desk/api/reports",
		"status of 404 (Not Found) ("+base+"/favicon.ico")
}

// expect drops the console errors so far that contain one of subs.
func (tb *tab) expect(subs ...string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	kept := tb.log[:0]
	for _, l := range tb.log {
		drop := false
		for _, s := range subs {
			drop = drop || strings.Contains(l, s)
		}
		if !drop {
			kept = append(kept, l)
		}
	}
	tb.log = kept
}
