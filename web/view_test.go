package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// issueNow is the day the issue was filed: every seed claim is months older than the staleness window.
var issueNow = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// TestDefaultDateEverywhere: with every claim stale, a view that names no date shows the latest date a claim
// describes (12 April 2025), and every surface says which date it shows and why.
func TestDefaultDateEverywhere(t *testing.T) {
	e := newEnvAt(t, issueNow)
	const latest = "2025-04-12"

	var fc map[string]any
	getJSONBody(t, e, "/api/settlements?limit=5", &fc)
	if fc["as_of"] != latest || fc["as_of_reason"] != "latest-claims" {
		t.Errorf("/api/settlements: as_of %v (%v), want %s (latest-claims)", fc["as_of"], fc["as_of_reason"], latest)
	}
	getJSONBody(t, e, "/api/settlements?limit=5&as_of=2025-03-20&known_on=2025-03-14", &fc)
	if fc["as_of"] != "2025-03-20" || fc["as_of_reason"] != "requested" || fc["known_on"] != "2025-03-14" {
		t.Errorf("/api/settlements as_of and known_on: %v %v %v", fc["as_of"], fc["as_of_reason"], fc["known_on"])
	}
	var tj map[string]any
	getJSONBody(t, e, "/tiles.json", &tj)
	if tj["as_of"] != latest || tj["as_of_reason"] != "latest-claims" || !strings.Contains(tj["description"].(string), latest) {
		t.Errorf("/tiles.json: as_of %v (%v), description %q", tj["as_of"], tj["as_of_reason"], tj["description"])
	}
	var st struct{ Metadata map[string]any }
	getJSONBody(t, e, "/style.json", &st)
	if st.Metadata["tiled:as_of"] != latest || st.Metadata["tiled:as_of_reason"] != "latest-claims" {
		t.Errorf("/style.json metadata = %v, want tiled:as_of %s", st.Metadata, latest)
	}
	var o map[string]any
	getJSONBody(t, e, "/oembed?url="+url.QueryEscape(e.srv.URL+"/?place=ru-krs-gogolevka"), &o)
	if o["as_of"] != latest || !strings.Contains(o["html"].(string), "as_of="+latest) {
		t.Errorf("/oembed: as_of %v, html %v", o["as_of"], o["html"])
	}
	for _, path := range []string{"/", "/embed", "/table"} {
		body := string(readAll(t, e.do(t, "GET", path, nil, nil)))
		if !strings.Contains(body, "12 April 2025") {
			t.Errorf("GET %s does not name 12 April 2025", path)
		}
		if path != "/table" && !strings.Contains(body, "Latest claims: 12 April 2025") {
			t.Errorf("GET %s does not say it shows the latest claims", path)
		}
	}
}

// TestStatusScenarios: the issue's three scenarios through the API and the tiles: Prilesye (only Russia's defence
// ministry speaks) is ru and only claimed; Sudzha is ru and confirmed (Ukraine's General Staff concedes it);
// Gogolevka, where both sides spoke on the same day, is disputed once every claim is stale.
func TestStatusScenarios(t *testing.T) {
	e := newEnvAt(t, issueNow)
	tests := []struct {
		id, asOf, status, basis string
	}{
		{"ru-bel-prilesye", "2025-03-20", "ru", "claimed"},
		{"486816", "2025-03-20", "ru", "confirmed"},
		{"ru-krs-gogolevka", "2025-05-15", "disputed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			var f struct {
				Geometry   struct{ Coordinates []float64 }
				Properties map[string]any
			}
			getJSONBody(t, e, "/api/settlements/"+tt.id+"?as_of="+tt.asOf, &f)
			if f.Properties["status"] != tt.status || f.Properties["basis"] != tt.basis {
				t.Errorf("API %s as of %s: status %v basis %v, want %s %q", tt.id, tt.asOf, f.Properties["status"], f.Properties["basis"], tt.status, tt.basis)
			}
			tl := maptile.At([2]float64{f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]}, 12)
			raw := readAll(t, e.do(t, "GET", "/tiles/12/"+intStr(int(tl.X))+"/"+intStr(int(tl.Y))+".mvt?as_of="+tt.asOf, nil, nil))
			layers, err := mvt.Unmarshal(raw)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, ft := range layers[0].Features {
				if ft.Properties["id"] == tt.id {
					found = true
					if ft.Properties["status"] != tt.status || ft.Properties["basis"] != tt.basis {
						t.Errorf("tile %s: status %v basis %v, want %s %q", tt.id, ft.Properties["status"], ft.Properties["basis"], tt.status, tt.basis)
					}
				}
			}
			if !found {
				t.Errorf("%s not in its z12 tile", tt.id)
			}
		})
	}
}

// TestPageCompressed: pages are gzipped for clients that accept it.
func TestPageCompressed(t *testing.T) {
	e := newEnv(t)
	resp := e.do(t, "GET", "/?as_of=2025-03-30", nil, map[string]string{"Accept-Encoding": "gzip"})
	raw := readAll(t, resp)
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding = %q, want gzip", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	html, err := io.ReadAll(zr)
	if err != nil || !bytes.Contains(html, []byte(`id="tiled-config"`)) {
		t.Errorf("gunzipped page: %v, %d bytes", err, len(html))
	}
	if len(raw)*3 > len(html) {
		t.Errorf("gzip: %d bytes for %d of HTML, want at least 3× smaller", len(raw), len(html))
	}
}

func getJSONBody(t *testing.T, e *env, path string, out any) {
	t.Helper()
	resp := e.do(t, "GET", path, nil, nil)
	b := readAll(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// TestSourceNamesTranslated: the registry's Ukrainian and Russian names and kinds reach the pages in their language.
func TestSourceNamesTranslated(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct{ path, want string }{
		{"/?lang=uk&as_of=2025-03-30", "Інститут вивчення війни"},
		{"/?lang=uk&as_of=2025-03-30", "аналітична організація"},
		{"/table?lang=ru&as_of=2025-03-30", "Министерство обороны России"},
		{"/?as_of=2025-03-30", "Institute for the Study of War"},
	} {
		if body := string(readAll(t, e.do(t, "GET", tt.path, nil, nil))); !strings.Contains(body, tt.want) {
			t.Errorf("GET %s lacks %q", tt.path, tt.want)
		}
	}
	var src []map[string]any
	getJSONBody(t, e, "/api/sources", &src)
	for _, s := range src {
		if s["id"] == "ru-mod" && (s["name_uk"] != "Міністерство оборони Росії" || s["kind_ru"] != "официальный источник") {
			t.Errorf("/api/sources ru-mod = %v, want its Ukrainian and Russian forms", s)
		}
	}
}
