package strictjson

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	type claim struct {
		Summary string `json:"summary"`
		N       int    `json:"n"`
	}
	for _, tc := range []struct {
		name, body string
		want       error // nil: accepted
	}{
		{"object", `{"summary":"ok","n":2}`, nil},
		{"surrogate pair", `{"summary":"\ud83d\ude00"}`, nil},
		{"escaped backslash before u", `{"summary":"\\ud800"}`, nil},
		{"same name in sibling objects", `[{"a":1},{"a":2}]`, ErrInvalid}, // not a claim: type error
		{"empty", ``, ErrInvalid},
		{"blank", " \n", ErrInvalid},
		{"two values", `{"n":1} {"n":2}`, ErrInvalid},
		{"trailing garbage", `{"n":1}x`, ErrInvalid},
		{"invalid UTF-8", "{\"summary\":\"caf\xe9\"}", ErrInvalid},
		{"overlong UTF-8", "{\"summary\":\"\xc0\xaf\"}", ErrInvalid},
		{"lone high surrogate", `{"summary":"\ud800"}`, ErrInvalid},
		{"lone high surrogate then text", `{"summary":"\uD800abcdef"}`, ErrInvalid},
		{"lone low surrogate", `{"summary":"x\udc00"}`, ErrInvalid},
		{"high then high", `{"summary":"\ud800\ud800"}`, ErrInvalid},
		{"surrogate in a name", `{"\udfff":1}`, ErrInvalid},
		{"duplicate member", `{"summary":"a","summary":"b"}`, ErrInvalid},
		{"duplicate nested", `{"n":1,"x":{"a":1,"b":{},"a":2}}`, ErrInvalid},
		{"unknown member", `{"summary":"a","extra":1}`, ErrInvalid},
		{"wrong type", `{"n":"two"}`, ErrInvalid},
		{"too large", `{"summary":"` + strings.Repeat("x", 100) + `"}`, ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c claim
			err := Decode(strings.NewReader(tc.body), 64, &c)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Decode(%q) = %v, want nil", tc.body, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode(%q) = %v, want %v", tc.body, err, tc.want)
			}
		})
	}
}

// TestDuplicatesAnyDepth checks names repeated at any depth, into an interface value, and that equal names in
// different objects are fine.
func TestDuplicatesAnyDepth(t *testing.T) {
	for _, tc := range []struct {
		body string
		ok   bool
	}{
		{`[{"a":1},{"a":2}]`, true},
		{`{"a":{"a":{"a":1}}}`, true},
		{`{"a":[1,{"b":1}],"b":2}`, true},
		{`{"a":[1,{"b":1,"b":2}]}`, false},
		{`{"a":{},"a":[]}`, false},
		{`{"a":1,"A":2}`, true},
	} {
		var v any
		err := Unmarshal([]byte(tc.body), &v)
		if (err == nil) != tc.ok {
			t.Errorf("Unmarshal(%q) = %v, want ok=%v", tc.body, err, tc.ok)
		}
	}
}

func TestDecodeMaxBytesReader(t *testing.T) {
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"a":"`+strings.Repeat("x", 100)+`"}`))
	body := http.MaxBytesReader(httptest.NewRecorder(), r.Body, 20)
	var v any
	if err := Decode(body, 1000, &v); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Decode(cut-off body) = %v, want ErrTooLarge", err)
	}
}

func TestCheckMediaType(t *testing.T) {
	for _, tc := range []struct {
		ct string
		ok bool
	}{
		{"application/json", true},
		{"application/json; charset=utf-8", true},
		{"Application/JSON; charset=UTF-8", true},
		{"application/merge-patch+json", true},
		{"", false},
		{"text/plain", false},
		{"application/x-www-form-urlencoded", false},
		{"multipart/form-data; boundary=x", false},
		{"application/json; charset=latin1", false},
		{"application/jsonx", false},
		{"application/json;;", false},
	} {
		err := CheckMediaType(tc.ct)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrMediaType)) {
			t.Errorf("CheckMediaType(%q) = %v, want ok=%v", tc.ct, err, tc.ok)
		}
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":"\ud800"}`, `{"a":1,"a":2}`, "\"\xff\"", `[1,2]`, `"\\u"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v any
		if err := Unmarshal(b, &v); err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Unmarshal(%q) = %v, want ErrInvalid", b, err)
			}
			return
		}
		// Whatever is accepted is strings of valid UTF-8 with no replacement character that the input did not hold.
		if !strings.Contains(string(b), "\ufffd") && !strings.Contains(strings.ToLower(string(b)), `\ufffd`) && containsFFFD(v) {
			t.Fatalf("Unmarshal(%q) = %v: a replacement character appeared", b, v)
		}
	})
}

func containsFFFD(v any) bool {
	switch v := v.(type) {
	case string:
		return strings.ContainsRune(v, '\ufffd')
	case []any:
		for _, e := range v {
			if containsFFFD(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range v {
			if strings.ContainsRune(k, '\ufffd') || containsFFFD(e) {
				return true
			}
		}
	}
	return false
}
