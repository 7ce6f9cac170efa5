package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/internal/strictjson"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/ogc"
	"github.com/tiled-maps/tiled/report"
	"github.com/tiled-maps/tiled/tiles"
)

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	// Code is a short machine-readable code ("bad_request", "not_found", …).
	Code string `json:"code"`
	// Description says what is wrong, for people.
	Description string `json:"description"`
	// RequestID lets an operator find the request in the logs.
	RequestID string `json:"request_id,omitempty"`
	// Field names the bad field of an invalid claim or source, so a form can point at it.
	Field string `json:"field,omitempty"`
}

// errorTable maps error kinds to statuses, most specific first.
var errorTable = []struct {
	target error
	status int
	code   string
}{
	{auth.ErrNoToken, http.StatusUnauthorized, "unauthorized"},
	{auth.ErrBadToken, http.StatusUnauthorized, "unauthorized"},
	{auth.ErrRevoked, http.StatusForbidden, "token_revoked"},
	{auth.ErrNoSession, http.StatusUnauthorized, "signed_out"},
	{auth.ErrSessionExpired, http.StatusUnauthorized, "session_expired"},
	{auth.ErrForbidden, http.StatusForbidden, "forbidden"},
	{ErrCSRF, http.StatusForbidden, "csrf"},
	{ledger.ErrReviewed, http.StatusConflict, "already_reviewed"},
	{atlas.ErrBodyTooLarge, http.StatusRequestEntityTooLarge, "body_too_large"},
	{report.ErrTooLarge, http.StatusRequestEntityTooLarge, "body_too_large"},
	{report.ErrNotFound, http.StatusNotFound, "not_found"},
	{report.ErrInvalid, http.StatusUnprocessableEntity, "invalid"},
	{strictjson.ErrTooLarge, http.StatusRequestEntityTooLarge, "body_too_large"},
	{strictjson.ErrMediaType, http.StatusUnsupportedMediaType, "unsupported_media_type"},
	{strictjson.ErrInvalid, http.StatusBadRequest, "bad_request"},
	{ErrCrossOrigin, http.StatusForbidden, "cross_origin"},
	{ErrQuery, http.StatusBadRequest, "bad_request"},
	{ErrRateLimited, http.StatusTooManyRequests, "rate_limited"},
	{ErrExportsBusy, http.StatusTooManyRequests, "too_many_exports"},
	{tiles.ErrBadTile, http.StatusBadRequest, "bad_tile"},
	{tiles.ErrBadPath, http.StatusBadRequest, "bad_tile"},
	{ogc.ErrNotFound, http.StatusNotFound, "not_found"},
	{ogc.ErrBadRequest, http.StatusBadRequest, "bad_request"},
	{atlas.ErrNotFound, http.StatusNotFound, "not_found"},
	{gazetteer.ErrNotFound, http.StatusNotFound, "not_found"},
	{atlas.ErrBadRequest, http.StatusBadRequest, "bad_request"},
	{gazetteer.ErrQuery, http.StatusBadRequest, "bad_request"},
	{ledger.ErrExists, http.StatusConflict, "exists"},
	{ledger.ErrInvalid, http.StatusUnprocessableEntity, "invalid"},
}

// classify maps err to a status, a code and whether its text may be shown to the client.
func classify(err error) (int, string, bool) {
	for _, e := range errorTable {
		if errors.Is(err, e.target) {
			return e.status, e.code, true
		}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return he.Code, "not_found", true
		case http.StatusMethodNotAllowed:
			return he.Code, "method_not_allowed", true
		case http.StatusRequestEntityTooLarge:
			return he.Code, "body_too_large", true
		}
		if he.Code < 500 {
			return he.Code, "bad_request", true
		}
	}
	if errors.Is(err, context.Canceled) {
		return 499, "client_closed_request", false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return http.StatusServiceUnavailable, "timeout", false
	}
	return http.StatusInternalServerError, "internal", false
}

// handleError is echo's HTTPErrorHandler: the one place errors become responses. Internal details are logged,
// never sent.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, code, public := classify(err)
	desc := http.StatusText(status)
	if st, c, d, ok := classifyStorage(err); ok {
		status, code, desc, public = st, c, d, false
	}
	if code == "storage_full" {
		s.fullAt.Store(s.cfg.Now().UnixNano())
	}
	if public {
		desc = err.Error()
		var he *echo.HTTPError
		if errors.As(err, &he) {
			if m, ok := he.Message.(string); ok {
				desc = m
			}
		}
	}
	rid := c.Response().Header().Get(echo.HeaderXRequestID)
	if status >= 500 {
		s.log.LogAttrs(c.Request().Context(), slog.LevelError, "request failed", slog.String("request_id", rid),
			slog.String("path", c.Request().URL.Path), slog.Any("error", err))
	}
	if status == 499 {
		c.Response().WriteHeader(status)
		return
	}
	if status == http.StatusUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="tiled"`)
	}

	if rl := (*rateLimitError)(nil); errors.As(err, &rl) {
		c.Response().Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(rl.retryAfter)))
	}
	body := ErrorBody{Code: code, Description: desc, RequestID: rid}
	if fe := (*ledger.FieldError)(nil); public && errors.As(err, &fe) {
		body.Field = fe.Field
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, body)
}
