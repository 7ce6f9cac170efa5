package web

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/tiled-maps/tiled/atlas"
)

//go:embed static
var staticFS embed.FS

func (s *Server) styleOptions() atlas.StyleOptions {
	return atlas.StyleOptions{BasemapTiles: s.cfg.BasemapTiles, BasemapAttribution: s.cfg.BasemapAttribution}
}

// pageRoutes serves the embedded pages and assets; no path reaches the file system.
func (s *Server) pageRoutes(get func(string, echo.HandlerFunc)) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	files := http.FileServer(http.FS(sub))
	get("/", func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-cache")
		b, err := fs.ReadFile(sub, "index.html")
		if err != nil {
			return err
		}
		return c.HTMLBlob(http.StatusOK, b)
	})
	get("/static/*", echo.WrapHandler(http.StripPrefix("/static/", files)))
}
