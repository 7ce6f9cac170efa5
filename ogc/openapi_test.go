package ogc

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// openAPIDoc returns the test service's API definition decoded from its JSON.
func openAPIDoc(tb testing.TB) map[string]any {
	tb.Helper()
	doc, err := newTestService(tb).OpenAPI(testBase, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if doc.MediaType != MediaTypeOpenAPI {
		tb.Errorf("OpenAPI media type = %q, want %q", doc.MediaType, MediaTypeOpenAPI)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(mustJSON(tb, doc.Body)), &m); err != nil {
		tb.Fatalf("the OpenAPI document is not valid JSON: %v", err)
	}
	return m
}

// jsonAt returns the value at the path of object keys in v, or nil.
func jsonAt(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func TestOpenAPI(t *testing.T) {
	m := openAPIDoc(t)
	if v, _ := m["openapi"].(string); !strings.HasPrefix(v, "3.0.") {
		t.Errorf("openapi = %v, want 3.0.x", m["openapi"])
	}
	if jsonAt(m, "info", "title") != "tiled test" || jsonAt(m, "info", "version") == nil {
		t.Errorf("info = %v", m["info"])
	}
	if servers, _ := m["servers"].([]any); len(servers) != 1 || jsonAt(servers[0], "url") != testBase {
		t.Errorf("servers = %v, want one with url %s", m["servers"], testBase)
	}
	paths, _ := m["paths"].(map[string]any)
	want := []string{
		"/", "/conformance", "/api", "/collections",
		"/collections/settlements", "/collections/settlements/items", "/collections/settlements/items/{featureId}",
		"/collections/settlements/schema", "/collections/settlements/queryables", "/collections/settlements/feature-schema",
		"/collections/claims", "/collections/claims/items", "/collections/claims/items/{featureId}",
		"/collections/claims/schema", "/collections/claims/queryables", "/collections/claims/feature-schema",
	}
	var got []string
	for p := range paths {
		got = append(got, p)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("paths = %v, want %v", got, want)
	}
	opIDs := make(map[string]bool)
	for p := range paths {
		t.Run(p, func(t *testing.T) {
			get := jsonAt(paths, p, "get")
			id, _ := jsonAt(get, "operationId").(string)
			if id == "" || opIDs[id] {
				t.Errorf("operationId %q is empty or not unique", id)
			}
			opIDs[id] = true
			if jsonAt(get, "responses", "200", "content") == nil && jsonAt(get, "responses", "200", "$ref") == nil {
				t.Errorf("no 200 response")
			}
		})
	}
}

// TestOpenAPIRefs checks every $ref points at a component that exists.
func TestOpenAPIRefs(t *testing.T) {
	m := openAPIDoc(t)
	var walk func(v any)
	n := 0
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if k == "$ref" {
					n++
					r, _ := e.(string)
					keys, ok := strings.CutPrefix(r, "#/")
					if !ok || jsonAt(m, strings.Split(keys, "/")...) == nil {
						t.Errorf("$ref %q resolves to nothing", r)
					}
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(m)
	if n < 20 {
		t.Errorf("only %d $refs: the walk is broken", n)
	}
}

// TestOpenAPIItemsParameters checks each items operation lists exactly what Items accepts.
func TestOpenAPIItemsParameters(t *testing.T) {
	m := openAPIDoc(t)
	names := func(path string) []string {
		var out []string
		params, _ := jsonAt(m, "paths", path, "get", "parameters").([]any)
		for _, p := range params {
			if r, ok := jsonAt(p, "$ref").(string); ok {
				p = jsonAt(m, strings.Split(strings.TrimPrefix(r, "#/"), "/")...)
			}
			if jsonAt(p, "in") == "query" {
				out = append(out, jsonAt(p, "name").(string))
			}
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		path string
		want []string
	}{
		{"/collections/settlements/items", []string{"bbox", "cursor", "f", "limit", "offset"}},
		{"/collections/claims/items", []string{"bbox", "cursor", "datetime", "f", "holder", "limit", "offset"}},
		{"/collections/claims/items/{featureId}", []string{"f"}},
		{"/", []string{"f"}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			if got := names(tc.path); !slices.Equal(got, tc.want) {
				t.Errorf("query parameters of %s = %v, want %v", tc.path, got, tc.want)
			}
		})
	}
	limit := jsonAt(m, "components", "parameters", "limit", "schema")
	if jsonAt(limit, "minimum") != 1.0 || jsonAt(limit, "maximum") != float64(DefaultMaxLimit) || jsonAt(limit, "default") != 10.0 {
		t.Errorf("limit schema = %v, want 1..%d default 10 (the test service's)", limit, DefaultMaxLimit)
	}
	params, _ := jsonAt(m, "paths", "/collections/claims/items", "get", "parameters").([]any)
	for _, p := range params {
		if jsonAt(p, "name") == "datetime" && !strings.Contains(jsonAt(p, "description").(string), "claimed_on") {
			t.Errorf("datetime of claims does not name its property: %v", jsonAt(p, "description"))
		}
		if jsonAt(p, "name") == "holder" && jsonAt(p, "schema", "enum") == nil {
			t.Errorf("holder has no enum: %v", p)
		}
	}
}

func TestOpenAPIRejectsParameters(t *testing.T) {
	_, err := newTestService(t).OpenAPI(testBase, query(t, "f=yaml"))
	wantParamError(t, "OpenAPI(f=yaml)", err, "f")
}
