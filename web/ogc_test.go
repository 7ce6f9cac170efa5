package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestOGCClients: what GDAL, QGIS and other clients of the OGC API met. A limit above the maximum is clamped, not a
// 400; parameters carried from the landing URL do not break the other endpoints; as_of and known_on give the map
// of a day; each collection publishes its schema (Part 5), its queryables (Part 3) and the JSON Schema of its
// features (describedBy), where precision_km is a number.
func TestOGCClients(t *testing.T) {
	e := newEnv(t)
	getJSON := func(path string, want int) map[string]any {
		t.Helper()
		r := e.do(t, http.MethodGet, path, nil, nil)
		b := readAll(t, r)
		if r.StatusCode != want {
			t.Fatalf("GET %s = %d, want %d: %s", path, r.StatusCode, want, b)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		return m
	}
	if m := getJSON("/ogc/collections/settlements/items?limit=20000", 200); m["numberReturned"] != 59.0 {
		t.Errorf("limit=20000: numberReturned %v, want every settlement (59)", m["numberReturned"])
	}
	for _, path := range []string{"/ogc?as_of=2024-09-01", "/ogc/collections?as_of=2024-09-01&token=x",
		"/ogc/api?as_of=2024-09-01", "/ogc/conformance?as_of=2024-09-01", "/ogc/collections/claims?known_on=2025-01-01"} {
		getJSON(path, 200)
	}
	status := func(query string) string {
		m := getJSON("/ogc/collections/settlements/items?bbox=35.2,51.1,35.3,51.2&"+query, 200)
		for _, f := range m["features"].([]any) {
			p := f.(map[string]any)["properties"].(map[string]any)
			if p["name"] == "Sudzha" {
				return p["status"].(string) + "@" + p["as_of"].(string)
			}
		}
		return "absent"
	}
	if got := status("as_of=2024-09-01"); got != "ua@2024-09-01" {
		t.Errorf("Sudzha as_of=2024-09-01 = %s, want ua@2024-09-01", got)
	}
	if got := status("as_of=2025-03-20"); got != "ru@2025-03-20" {
		t.Errorf("Sudzha as_of=2025-03-20 = %s, want ru@2025-03-20", got)
	}
	if got := status("as_of=2025-03-20&known_on=2024-09-01"); !strings.HasPrefix(got, "ua@") {
		t.Errorf("Sudzha as_of=2025-03-20 known_on=2024-09-01 = %s, want ua: the later claims were not published yet", got)
	}
	// A single feature takes the day too (GDAL's GetFeature carries the landing URL's query).
	one := getJSON("/ogc/collections/settlements/items/486816?as_of=2024-09-01", 200)
	if p := one["properties"].(map[string]any); p["status"] != "ua" || p["as_of"] != "2024-09-01" {
		t.Errorf("Sudzha's item as_of=2024-09-01 = %v %v, want ua", p["status"], p["as_of"])
	}
	getJSON("/ogc/collections/settlements/items/486816?as_of=yesterday", 400)
	m := getJSON("/ogc/collections/claims/items?as_of=2024-09-01&limit=100", 200)
	for _, f := range m["features"].([]any) {
		if v := f.(map[string]any)["properties"].(map[string]any)["valid_at"].(string); v > "2024-09-01" {
			t.Errorf("claims as_of=2024-09-01 holds a claim valid on %s", v)
		}
	}
	coll := getJSON("/ogc/collections/settlements", 200)
	rels := map[string]string{}
	for _, l := range coll["links"].([]any) {
		l := l.(map[string]any)
		rels[l["rel"].(string)] = l["href"].(string)
	}
	for rel, suffix := range map[string]string{"describedBy": "/feature-schema",
		"http://www.opengis.net/def/rel/ogc/1.0/schema":     "/schema",
		"http://www.opengis.net/def/rel/ogc/1.0/queryables": "/queryables"} {
		href, ok := rels[rel]
		if !ok || !strings.HasSuffix(href, "/collections/settlements"+suffix) {
			t.Errorf("link %s = %q, want …/collections/settlements%s", rel, href, suffix)
			continue
		}
		r := e.do(t, http.MethodGet, strings.TrimPrefix(href, e.srv.URL)+"?as_of=2025-01-01", nil, nil)
		b := readAll(t, r)
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/schema+json" {
			t.Errorf("GET %s = %d %s", href, r.StatusCode, r.Header.Get("Content-Type"))
		}
		var doc map[string]any
		json.Unmarshal(b, &doc)
		props, _ := doc["properties"].(map[string]any)
		switch suffix {
		case "/schema":
			if pk, _ := props["precision_km"].(map[string]any); pk["type"] != "number" {
				t.Errorf("schema precision_km = %v, want type number", props["precision_km"])
			}
		case "/queryables":
			if _, ok := props["status"]; !ok || props["precision_km"] != nil {
				t.Errorf("queryables = %v, want status and not precision_km", props)
			}
		case "/feature-schema":
			inner, _ := props["properties"].(map[string]any)["properties"].(map[string]any)
			if pk, _ := inner["precision_km"].(map[string]any); pk["type"] != "number" {
				t.Errorf("feature schema precision_km = %v, want type number", inner["precision_km"])
			}
		}
	}
	conf := getJSON("/ogc/conformance", 200)
	var classes []string
	for _, c := range conf["conformsTo"].([]any) {
		classes = append(classes, c.(string))
	}
	for _, want := range []string{"ogcapi-features-3/1.0/conf/queryables", "ogcapi-features-5/1.0/conf/schemas"} {
		if !strings.Contains(strings.Join(classes, " "), want) {
			t.Errorf("conformance lacks %s", want)
		}
	}
}
