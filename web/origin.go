package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// ErrCrossOrigin is returned for a write (any method but GET, HEAD and OPTIONS) that a browser sends from another
// origin: writes are same-origin only, whatever credentials they carry. Reads stay open to every origin (CORS).
var ErrCrossOrigin = errors.New("web: cross-origin write refused: writes are same-origin only")

// ErrQuery is returned for a query string that does not parse: a ';' separator (which Go's URL parser, unlike
// some proxies, does not split on: it drops the parameter) or a malformed %-escape.
var ErrQuery = errors.New("web: malformed query string")

// newOriginCheck returns the cross-origin protection of writes: a browser request whose Sec-Fetch-Site is not
// same-origin, or whose Origin is not the request's own host nor the public URL's origin, is refused. Requests
// with neither header (curl, scripts, GIS tools) are not from a browser page and pass.
func newOriginCheck(publicURL string) *http.CrossOriginProtection {
	p := http.NewCrossOriginProtection()
	if u, err := url.Parse(publicURL); err == nil && u.Scheme != "" && u.Host != "" {
		_ = p.AddTrustedOrigin(u.Scheme + "://" + u.Host)
	}
	return p
}

// sameOriginWrites refuses cross-origin writes (ErrCrossOrigin, 403) before anything else reads the request.
func (s *Server) sameOriginWrites(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if isWrite(c.Request()) {
			if err := s.origins.Check(c.Request()); err != nil {
				return ErrCrossOrigin
			}
		}
		return next(c)
	}
}

// checkQuery refuses a query string url.ParseQuery does not accept in full. echo's QueryParams drops what does not
// parse without a word, so "as_of=2024-09-01;" would answer for today.
func checkQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		raw := c.Request().URL.RawQuery
		if raw == "" {
			return next(c)
		}
		if strings.Contains(raw, ";") {
			return fmt.Errorf("%w: ';' in the query string: separate parameters with '&' and escape ';' as %%3B", ErrQuery)
		}
		if _, err := url.ParseQuery(raw); err != nil {
			return fmt.Errorf("%w: %v", ErrQuery, err)
		}
		return next(c)
	}
}
