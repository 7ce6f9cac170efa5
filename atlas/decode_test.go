package atlas

import (
	"errors"
	"strings"
	"testing"
)

// TestJSONBodiesStrict: the atlas's two body decoders (claims and sources; the desk's requests) refuse what the
// strict decoder refuses — repeated members, invalid UTF-8, lone surrogates — as ErrBadRequest, and an oversized
// body as ErrBodyTooLarge.
func TestJSONBodiesStrict(t *testing.T) {
	type req struct {
		Note string `json:"note"`
	}
	for _, tc := range []struct {
		name, body string
		want       error
	}{
		{"ok", `{"note":"x"}`, nil},
		{"repeated member", `{"note":"x","note":"y"}`, ErrBadRequest},
		{"invalid UTF-8", "{\"note\":\"\xff\"}", ErrBadRequest},
		{"lone surrogate", `{"note":"\udc00"}`, ErrBadRequest},
		{"unknown member", `{"note":"x","admin":true}`, ErrBadRequest},
		{"too large", `{"note":"` + strings.Repeat("x", MaxBodyBytes) + `"}`, ErrBodyTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r req
			err := decodeStrict(strings.NewReader(tc.body), &r)
			if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("decodeStrict(%.40q) = %v, want %v", tc.body, err, tc.want)
			}
			if tc.name == "unknown member" {
				return
			}
			_, err = decodeFields(strings.NewReader(strings.ReplaceAll(tc.body, "note", "summary")))
			if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("decodeFields(%.40q) = %v, want %v", tc.body, err, tc.want)
			}
		})
	}
}
