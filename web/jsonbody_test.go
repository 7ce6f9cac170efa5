package web

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/tiled-maps/tiled/internal/strictjson"
)

// TestDecodeJSON: the helper every JSON endpoint uses checks the media type first, then decodes strictly into a
// struct, unknown members refused; its errors map to 415, 400 and 413.
func TestDecodeJSON(t *testing.T) {
	type body struct {
		Text string `json:"text"`
	}
	for _, tc := range []struct {
		name, ctype, body string
		want              error
		status            int
	}{
		{"ok", "application/json", `{"text":"hi"}`, nil, 0},
		{"ok with charset", "application/json; charset=utf-8", `{"text":"hi"}`, nil, 0},
		{"form", "application/x-www-form-urlencoded", `text=hi`, strictjson.ErrMediaType, 415},
		{"unknown member", "application/json", `{"text":"hi","admin":true}`, strictjson.ErrInvalid, 400},
		{"duplicate member", "application/json", `{"text":"hi","text":"ho"}`, strictjson.ErrInvalid, 400},
		{"too large", "application/json", `{"text":"` + strings.Repeat("x", 70<<10) + `"}`, strictjson.ErrTooLarge, 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/x", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ctype)
			c := echo.New().NewContext(req, httptest.NewRecorder())
			var v body
			err := decodeJSON(c, &v)
			if tc.want == nil {
				if err != nil || v.Text != "hi" {
					t.Fatalf("decodeJSON = %v, %+v; want nil, hi", err, v)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("decodeJSON = %v, want %v", err, tc.want)
			}
			if status, _, public := classify(err); status != tc.status || !public {
				t.Errorf("classify(%v) = %d public=%v, want %d public", err, status, public, tc.status)
			}
		})
	}
}
