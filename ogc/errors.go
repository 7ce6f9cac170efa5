package ogc

import (
	"errors"
	"fmt"
	"net/http"
)

// Errors of the package. Every *ParamError also matches ErrBadRequest.
var (
	// ErrBadRequest marks a request the service does not accept: an unknown query parameter or a bad value.
	ErrBadRequest = errors.New("ogc: bad request")
	// ErrNotFound is returned for a collection or feature the service does not publish. Collection.Item
	// implementations wrap it for an unknown feature id.
	ErrNotFound = errors.New("ogc: not found")
)

// ParamError is a query parameter the service rejects: one it does not know, one given twice, or a bad value.
type ParamError struct {
	// Param is the parameter's name as given ("bbox", "limit", "colour").
	Param string
	// Value is the offending value as given ("" for a missing or empty one).
	Value string
	// Msg says what is wrong and, where it can, what would be right.
	Msg string
}

// Error formats the problem for people.
func (e *ParamError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("ogc: parameter %s: %s", e.Param, e.Msg)
	}
	return fmt.Sprintf("ogc: parameter %s=%q: %s", e.Param, e.Value, e.Msg)
}

// Unwrap makes errors.Is(err, ErrBadRequest) true.
func (e *ParamError) Unwrap() error { return ErrBadRequest }

// paramErr returns a *ParamError for param and value with a formatted message.
func paramErr(param, value, format string, args ...any) *ParamError {
	return &ParamError{Param: param, Value: value, Msg: fmt.Sprintf(format, args...)}
}

// Exception codes of the bodies ErrorBody returns.
const (
	// CodeInvalidParameter is the code of a 400: an unknown query parameter or a bad value.
	CodeInvalidParameter = "InvalidParameterValue"
	// CodeNotFound is the code of a 404: no such collection or feature.
	CodeNotFound = "NotFound"
	// CodeServerError is the code of a 500.
	CodeServerError = "ServerError"
)

// ErrorBody returns the HTTP status and the JSON body, following the OGC API exception schema {code, description},
// for an error returned by a Service method: 400 for ErrBadRequest (a *ParamError also names the parameter), 404
// for ErrNotFound and 500 for anything else. A 500's description is generic: log err, do not send it.
func ErrorBody(err error) (status int, body map[string]any) {
	var pe *ParamError
	switch {
	case errors.As(err, &pe):
		return http.StatusBadRequest, map[string]any{
			"code":        CodeInvalidParameter,
			"description": pe.Error(),
			"parameter":   pe.Param,
		}
	case errors.Is(err, ErrBadRequest):
		return http.StatusBadRequest, map[string]any{"code": CodeInvalidParameter, "description": err.Error()}
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound, map[string]any{"code": CodeNotFound, "description": err.Error()}
	default:
		return http.StatusInternalServerError, map[string]any{
			"code":        CodeServerError,
			"description": "internal server error",
		}
	}
}
