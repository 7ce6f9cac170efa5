package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/web"
)

// TestPages: the page, the embed and the table view are served with a strict CSP, work without script (the table
// lists every settlement) and fall back to the default view on bad parameters rather than failing.
func TestPages(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, path string
		want       []string
		rows       int
		status     int // 0: 200
	}{
		{"page", "/?as_of=2025-03-30", []string{`<html lang="en"`, `id="tiled-config"`, `application/json+oembed`,
			`<noscript>`, "The sources disagree about 3", `value="2025-03-30"`}, 59, 0},
		{"embed", "/embed?as_of=2025-03-30&source=isw", []string{`class="no-js is-embed"`, `id="gesture-hint"`,
			"according to Institute for the Study of War", "source=isw"}, 59, 0},
		{"table", "/table?as_of=2024-09-01", []string{"As of 1 September 2024", "held by Ukraine — 1 (Sudzha (claimed by one side only))",
			`/export/settlements.csv?as_of=2024-09-01`, `/api/settlements?as_of=2024-09-01&amp;limit=10000`}, 59, 0},
		{"Ukrainian", "/?lang=uk&as_of=2025-03-30", []string{`<html lang="uk"`, "Населені пункти на лінії фронту",
			"Станом на 30 березня 2025 р.", "твердження 11 джерел"}, 59, 0},
		{"Russian table", "/table?lang=ru&as_of=2025-03-30", []string{`<html lang="ru"`, "На 30 марта 2025 г.", "11 источников"}, 59, 0},
		{"a bad date is an error message over the default view", "/?as_of=yesterday",
			[]string{`role="alert"`, "The date “yesterday” in this link is not a date", `value="2025-04-10"`, "As of 10 April 2025"}, 59, http.StatusBadRequest},
		{"a place by name", "/?place=Demidovka", []string{`"place":"ru-bel-demidovka"`}, 59, 0},
		{"an ambiguous place name opens none and says so", "/?place=Popovka,+Korochansky+district", []string{`role="alert"`, "names several places", "Krasnoyaruzhsky District"}, 59, 0},
		{"unknown source falls back to the consensus", "/table?source=nobody&as_of=2025-03-30", []string{"consensus of all sources"}, 59, 0},
		{"foreign parameters are ignored", "/?utm_source=newsletter", []string{`id="tiled-config"`}, 59, 0},
		{"WordPress's dnt on the embed", "/embed?as_of=2025-03-30&dnt=1", []string{`class="no-js is-embed"`}, 59, 0},
		{"dnt on the table", "/table?as_of=2025-03-30&dnt=1&fbclid=x", []string{"As of 30 March 2025"}, 59, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(t, "GET", tt.path, nil, nil)
			body := string(readAll(t, resp))
			status := tt.status
			if status == 0 {
				status = http.StatusOK
			}
			if resp.StatusCode != status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("GET %s = %d %q", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			csp := resp.Header.Get("Content-Security-Policy")
			for _, want := range []string{"script-src 'self'", "frame-ancestors *", "worker-src 'self'", "object-src 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe") {
				t.Errorf("CSP %q allows unsafe code", csp)
			}
			if resp.Header.Get("X-Frame-Options") != "" {
				t.Error("X-Frame-Options would forbid newsroom iframes")
			}
			for _, want := range tt.want {
				if !strings.Contains(body, want) {
					t.Errorf("GET %s lacks %q", tt.path, want)
				}
			}
			if n := strings.Count(body, "<tr data-id="); n != tt.rows {
				t.Errorf("GET %s lists %d settlements, want %d", tt.path, n, tt.rows)
			}
		})
	}
}

// TestOEmbedWordPress follows WordPress's discovery: it reads the oEmbed <link> of a map page, adds what
// WP_oEmbed::fetch adds (maxwidth, maxheight, url replaced in place, dnt=1, then format=json, in that order, the way
// add_query_arg appends them) and expects an embed; the API beside it still rejects the same unknown parameter.
func TestOEmbedWordPress(t *testing.T) {
	e := newEnv(t)
	page := e.srv.URL + "/?as_of=2025-03-30&place=ru-bel-demidovka"
	body := string(readAll(t, e.do(t, "GET", strings.TrimPrefix(page, e.srv.URL), nil, nil)))
	m := regexp.MustCompile(`<link rel="alternate" type="application/json\+oembed" href="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page has no oEmbed discovery link")
	}
	provider, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	// add_query_arg keeps the order of existing arguments and appends new ones; WordPress urlencodes the url.
	raw := provider.RawQuery
	raw = strings.Replace(raw, "url="+url.QueryEscape(provider.Query().Get("url")), "url="+url.QueryEscape(page), 1)
	raw += "&maxwidth=500&maxheight=750&dnt=1&format=json"
	want := "url=" + url.QueryEscape(page) + "&maxwidth=500&maxheight=750&dnt=1&format=json"
	if raw != want {
		t.Fatalf("WordPress's query = %s, want %s", raw, want)
	}
	resp := e.do(t, "GET", provider.Path+"?"+raw, nil, nil)
	b := readAll(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s?%s = %d %s", provider.Path, raw, resp.StatusCode, b)
	}
	var o web.OEmbedResponse
	if err := json.Unmarshal(b, &o); err != nil || o.Width != 500 || !strings.Contains(o.HTML, "<iframe") {
		t.Fatalf("oEmbed = %+v, %v", o, err)
	}
	if resp := e.do(t, "GET", "/api/settlements?as_of=2025-03-30&dnt=1", nil, nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GET /api/settlements?dnt=1 = %d, want 400: the API rejects parameters it does not know", resp.StatusCode)
	}
}

// TestOEmbed: /oembed answers rich oEmbed for map pages of this server, and only for them.
func TestOEmbed(t *testing.T) {
	e := newEnv(t)
	page := e.srv.URL + "/?as_of=2025-03-30&lat=50.9&lon=35.4&z=12&place=ru-bel-demidovka&utm_source=x"
	tests := []struct {
		name, query string
		status      int
		width       int
	}{
		{"page", "url=" + url.QueryEscape(page), 200, 640},
		{"embed URL", "url=" + url.QueryEscape(e.srv.URL+"/embed?as_of=2025-03-30"), 200, 640},
		{"max width", "format=json&maxwidth=400&url=" + url.QueryEscape(page), 200, 400},
		{"max height", "maxheight=300&url=" + url.QueryEscape(page), 200, 640},
		{"no url", "", 400, 0},
		{"another host", "url=" + url.QueryEscape("https://example.org/?as_of=2025-03-30"), 404, 0},
		{"not a map page", "url=" + url.QueryEscape(e.srv.URL+"/api/sources"), 404, 0},
		{"xml", "format=xml&url=" + url.QueryEscape(page), 501, 0},
		{"bad format", "format=yaml&url=" + url.QueryEscape(page), 400, 0},
		{"bad max width", "maxwidth=wide&url=" + url.QueryEscape(page), 400, 0},
		{"unknown parameter ignored", "callback=f&url=" + url.QueryEscape(page), 200, 640},
		// The exact query WP_oEmbed::fetch sends to the endpoint the page's <link> names: the discovered URL with
		// maxwidth and maxheight (wp_embed_defaults: 500 and 750), url (replaced in place), dnt=1, then format.
		{"WordPress", "url=" + url.QueryEscape(page) + "&maxwidth=500&maxheight=750&dnt=1&format=json", 200, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(t, "GET", "/oembed?"+tt.query, nil, nil)
			body := readAll(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET /oembed?%s = %d, want %d: %s", tt.query, resp.StatusCode, tt.status, body)
			}
			if tt.status != 200 {
				var eb web.ErrorBody
				if err := json.Unmarshal(body, &eb); err != nil || eb.Description == "" {
					t.Errorf("error body %s", body)
				}
				return
			}
			var o web.OEmbedResponse
			if err := json.Unmarshal(body, &o); err != nil {
				t.Fatal(err)
			}
			if o.Type != "rich" || o.Version != "1.0" || o.Width != tt.width || o.Height < 200 || o.ProviderName != "tiled" {
				t.Errorf("oEmbed = %+v", o)
			}
			if strings.Contains(tt.query, "maxheight=300") && o.Height != 300 {
				t.Errorf("height %d, want at most 300", o.Height)
			}
			for _, want := range []string{`<iframe src="` + e.srv.URL + `/embed?as_of=2025-03-30`, `title="Map: front-line settlements as of 30 March 2025`,
				`aria-describedby="tiled-map-`, `loading="lazy"`, "/table?as_of=2025-03-30"} {
				if !strings.Contains(o.HTML, want) {
					t.Errorf("html lacks %q:\n%s", want, o.HTML)
				}
			}
			if strings.Contains(o.HTML, "utm_source") {
				t.Error("the embed URL carries a parameter the map does not read")
			}
			id := regexp.MustCompile(`aria-describedby="([^"]+)"`).FindStringSubmatch(o.HTML)
			if id == nil || !strings.Contains(o.HTML, `<p id="`+id[1]+`"`) {
				t.Errorf("the iframe's description is missing:\n%s", o.HTML)
			}
		})
	}
}

// TestStatic: assets are served with their media types, strong ETags, gzip, and a year's caching when the URL
// carries their hash; nothing outside the embedded tree is reachable.
func TestStatic(t *testing.T) {
	e := newEnv(t)
	page := string(readAll(t, e.do(t, "GET", "/", nil, nil)))
	m := regexp.MustCompile(`/static/css/tiled\.css\?h=([0-9a-f]+)`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the page links no hashed style sheet")
	}
	hashed := m[0]
	resp := e.do(t, "GET", hashed, nil, nil)
	readAll(t, resp)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/css; charset=utf-8" ||
		!strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || resp.Header.Get("ETag") != `"`+m[1]+`"` {
		t.Errorf("GET %s = %d %v", hashed, resp.StatusCode, resp.Header)
	}
	if resp := e.do(t, "GET", "/static/css/tiled.css", nil, nil); strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Error("an unhashed URL is cached for good")
	}
	resp = e.do(t, "GET", "/static/css/tiled.css", nil, map[string]string{"If-None-Match": `"` + m[1] + `"`})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match = %d, want 304", resp.StatusCode)
	}
	resp = e.do(t, "GET", "/static/js/tiled.js", nil, map[string]string{"Accept-Encoding": "gzip"})
	readAll(t, resp)
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("gzip: %v", resp.Header)
	}
	for _, p := range []string{"/static/", "/static/js", "/static/../page.go", "/static/%2e%2e/page.go", "/static/nope.js", "/static/.vendor.tmp/x"} {
		if resp := e.do(t, "GET", p, nil, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, resp.StatusCode)
		}
	}
}
