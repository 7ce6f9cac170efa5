package web

import (
	"strings"
	"testing"
)

func testTexts(tb testing.TB) texts {
	tb.Helper()
	tx, err := loadTexts(templateFS, "templates/strings.json")
	if err != nil {
		tb.Fatal(err)
	}
	return tx
}

// TestTexts: every language has every string, and the pages' templates parse.
func TestTexts(t *testing.T) {
	tx := testTexts(t)
	for _, l := range langs {
		if len(tx[l]) != len(tx[defaultLang]) {
			t.Errorf("%s has %d strings, %s %d", l, len(tx[l]), defaultLang, len(tx[defaultLang]))
		}
		if n := len(strings.Split(tx.get(l, "months"), "|")); n != 12 {
			t.Errorf("%s has %d months", l, n)
		}
	}
	if _, err := newPages(&Server{}); err != nil {
		t.Fatal(err)
	}
}

func TestPlural(t *testing.T) {
	tx := testTexts(t)
	tests := []struct {
		l    lang
		n    int
		want string
	}{
		{"en", 1, "1 source"}, {"en", 2, "2 sources"}, {"en", 0, "0 sources"},
		{"uk", 1, "1 джерела"}, {"uk", 3, "3 джерел"}, {"uk", 9, "9 джерел"}, {"uk", 21, "21 джерела"},
		{"ru", 1, "1 источника"}, {"ru", 11, "11 источников"}, {"ru", 22, "22 источников"},
	}
	for _, tt := range tests {
		if got := tx.plural(tt.l, "n.sources", tt.n); got != tt.want {
			t.Errorf("plural(%s, %d) = %q, want %q", tt.l, tt.n, got, tt.want)
		}
	}
}

func TestDate(t *testing.T) {
	tx := testTexts(t)
	tests := []struct {
		l         lang
		iso, want string
	}{
		{"en", "2025-03-30", "30 March 2025"},
		{"uk", "2025-03-30", "30 березня 2025 р."},
		{"ru", "2024-09-01", "1 сентября 2024 г."},
		{"en", "not a date", "not a date"},
	}
	for _, tt := range tests {
		if got := tx.date(tt.l, tt.iso); got != tt.want {
			t.Errorf("date(%s, %q) = %q, want %q", tt.l, tt.iso, got, tt.want)
		}
	}
}

func TestTemplateOrigin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"},
		{"https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"},
		{"http://localhost:8081/tiles/{z}/{x}/{y}.png", "http://localhost:8081"},
		{"", ""},
		{"/relative/{z}/{x}/{y}.png", ""},
		{"javascript:alert(1)", ""},
	}
	for _, tt := range tests {
		if got := templateOrigin(tt.in); got != tt.want {
			t.Errorf("templateOrigin(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseHolders(t *testing.T) {
	got := parseHolders("isw:ua;ru-mod:ru(stale);bad")
	want := []placeView{{"isw", "ua", false}, {"ru-mod", "ru", true}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("parseHolders = %v, want %v", got, want)
	}
	if got := parseHolders(""); len(got) != 0 {
		t.Errorf("parseHolders(\"\") = %v", got)
	}
}

// TestSummarize: the summary says how many places have claims, who disagrees about which, and what they agree on.
func TestSummarize(t *testing.T) {
	tx := testTexts(t)
	names := map[string]string{"a": "Alpha", "b": "Beta", "c": "Gamma"}
	pl := func(name, status string, stale bool, views ...placeView) place {
		return place{primary: name, status: status, stale: stale, sources: len(views), views: views}
	}
	places := []place{
		pl("Nova", "disputed", false, placeView{"a", "ua", false}, placeView{"b", "ru", false}, placeView{"c", "ru", true}),
		pl("Stara", "ru", false, placeView{"b", "ru", false}),
		pl("Mala", "ua", true, placeView{"a", "ua", true}),
		pl("Velyka", "unknown", false),
	}
	tests := []struct {
		name, source string
		places       []place
		want         []string
	}{
		{"consensus", "", places, []string{
			"As of 30 March 2025, the map has claims from 3 sources about 3 of its 4 settlements.",
			"The sources disagree about 1: Nova (held by Russia according to Beta; held by Ukraine according to Alpha).",
			"Where they agree: held by Russia — 1 (Stara); held by Ukraine — 0; contested — 0.",
			"Only old claims exist for 1 (Mala).",
		}},
		{"one source", "b", places[1:2], []string{
			"As of 30 March 2025, Beta has made claims about 1 of the 1 settlements on the map.",
			"According to this source: held by Russia — 1 (Stara)",
		}},
		{"no claims", "", places[3:], []string{"no source has made a claim about any of the 1 settlements"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize(tx, "en", "2025-03-30", tt.source, names, tt.places, len(tt.places))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("summarize = %q\nlacks %q", got, w)
				}
			}
		})
	}
}
