package web

import (
	"io"

	"github.com/labstack/echo/v4"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/internal/strictjson"
)

// decodeJSON is how every handler that takes a JSON body reads it: the Content-Type must be JSON (415 otherwise),
// and the body is decoded into v strictly (internal/strictjson: one value, valid UTF-8, no lone surrogates, no
// repeated member names, no unknown struct fields, at most atlas.MaxBodyBytes). Its errors map to 400, 413 and
// 415 in errors.go.
func decodeJSON(c echo.Context, v any) error {
	body, err := jsonBody(c)
	if err != nil {
		return err
	}
	return strictjson.Decode(body, atlas.MaxBodyBytes, v)
}

// jsonBody checks that the request declares a JSON body and returns the body, for handlers that hand it to the
// atlas to decode (the atlas decodes with the same strict rules).
func jsonBody(c echo.Context) (io.Reader, error) {
	if err := strictjson.CheckMediaType(c.Request().Header.Get(echo.HeaderContentType)); err != nil {
		return nil, err
	}
	return c.Request().Body, nil
}
