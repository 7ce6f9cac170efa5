package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
)

// DefaultMaxExports is how many /export/ responses may be in progress at once when Config.MaxExports is 0.
const DefaultMaxExports = 4

// ErrExportsBusy is returned when every export slot is taken; the answer is 429 with Retry-After.
var ErrExportsBusy = errors.New("web: too many exports in progress: try again shortly")

// export serves the export name from the file the atlas keeps for it: Content-Length, a strong ETag, Last-Modified,
// HEAD, conditional requests and byte ranges (http.ServeContent), so that GDAL's /vsicurl/ and QGIS can open it by
// URL, reading only the ranges they need. Exports in progress are bounded (Config.MaxExports); the request's context
// reaches the writing of the file, which stops when the client goes away.
func (s *Server) export(name string) echo.HandlerFunc {
	return func(c echo.Context) error {
		select {
		case s.exports <- struct{}{}:
			defer func() { <-s.exports }()
		default:
			c.Response().Header().Set("Retry-After", "5")
			return ErrExportsBusy
		}
		f, err := s.atlas.Export(c.Request().Context(), name, c.QueryParams())
		if err != nil {
			return err
		}
		defer f.Close()
		h := c.Response().Header()
		h.Set(echo.HeaderContentType, f.MediaType)
		h.Set("Content-Disposition", `attachment; filename="`+f.Name+`"`)
		h.Set("Etag", f.ETag)
		shortCache(c)
		http.ServeContent(c.Response(), c.Request(), "", f.ModTime, f)
		return nil
	}
}
