package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/ogc"
)

// Media types.
const (
	MediaMVT     = "application/vnd.mapbox-vector-tile"
	MediaGeoJSON = "application/geo+json"
	MediaJSON    = "application/json"
)

func (s *Server) routes() {
	e := s.echo
	get := func(path string, h echo.HandlerFunc) {
		e.GET(path, h)
		e.HEAD(path, h)
	}
	get("/health", s.health)
	get("/ready", s.ready)
	get("/metrics", s.metricsHandler)
	// echo names the last parameter of /:z/:x/:y.mvt "y.mvt": route /:y and let the parser check the suffix.
	get("/tiles/:z/:x/:y", s.tile)
	get("/tiles.json", s.tileJSON)
	get("/style.json", s.style)
	get("/api/settlements", s.settlements)
	get("/api/settlements/:id", s.settlement)
	get("/api/geocode", s.geocode)
	get("/api/sources", s.sources)
	get("/api/claims", s.claims)
	get("/api/diff", s.diff)
	e.POST("/api/claims", s.addClaim)
	e.POST("/api/sources", s.addSource)
	e.POST("/api/claims/:id/retract", s.retract)
	e.POST("/api/sources/:id/grade", s.gradeSource)
	// Reports are the newsroom's working material: every route needs a token, and none is cached.
	e.POST("/api/reports", s.addReport)
	e.GET("/api/reports", s.listReports)
	e.GET("/api/reports/:id", s.showReport)
	e.POST("/api/sources/:id/aliases", s.addSourceAlias)
	e.POST("/api/reports/:id/proposals/:n/accept", s.acceptProposal)
	e.POST("/api/reports/:id/proposals/:n/reject", s.rejectProposal)
	get("/ogc", s.ogcLanding)
	get("/ogc/", s.ogcLanding)
	get("/ogc/conformance", s.ogcConformance)
	get("/ogc/api", s.ogcAPI)
	get("/ogc/collections", s.ogcCollections)
	get("/ogc/collections/:id", s.ogcCollection)
	get("/ogc/collections/:id/items", s.ogcItems)
	get("/ogc/collections/:id/schema", s.ogcSchema(s.ogc.Schema))
	get("/ogc/collections/:id/queryables", s.ogcSchema(s.ogc.Queryables))
	get("/ogc/collections/:id/feature-schema", s.ogcSchema(s.ogc.FeatureSchema))
	get("/ogc/collections/:id/items/:fid", s.ogcItem)
	for _, name := range []string{"settlements.csv", "settlements.kml", "tiled.gpkg"} {
		get("/export/"+name, s.export(name))
	}
	s.pageRoutes(get)
}

// writeJSON encodes v with the media type; HEAD gets the headers only.
func writeJSON(c echo.Context, status int, media string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, media)
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(b)))
	c.Response().WriteHeader(status)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	_, err = c.Response().Write(b)
	return err
}

// shortCache marks a response that changes as claims arrive.
func shortCache(c echo.Context) { c.Response().Header().Set("Cache-Control", "public, max-age=30") }

func (s *Server) health(c echo.Context) error {
	return writeJSON(c, http.StatusOK, MediaJSON, map[string]string{"status": "ok"})
}

// readyBody is /ready's answer: the store's engine, the data version served, and whether other servers' writes
// arrive by notification.
type readyBody struct {
	Status string `json:"status"`
	atlas.StoreStatus
}

func (s *Server) ready(c echo.Context) error {
	st, err := s.atlas.Status(c.Request().Context())
	if err != nil {
		s.log.Error("not ready", "error", err)
		return writeJSON(c, http.StatusServiceUnavailable, MediaJSON, ErrorBody{Code: "not_ready", Description: "the store does not answer"})
	}
	if code, desc := s.storageProblem(c.Request().Context()); code != "" {
		return writeJSON(c, http.StatusServiceUnavailable, MediaJSON, ErrorBody{Code: code, Description: desc})
	}
	return writeJSON(c, http.StatusOK, MediaJSON, readyBody{Status: "ready", StoreStatus: st})
}

func (s *Server) metricsHandler(c echo.Context) error {
	var b bytes.Buffer
	s.metrics.write(&b, s.atlas.CacheStats())
	s.conns.writeMetrics(&b)
	return c.Blob(http.StatusOK, "text/plain; version=0.0.4; charset=utf-8", b.Bytes())
}

// acceptsGzip reports whether the request accepts gzip content coding (RFC 9110 §12.5.3).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if coding = strings.ToLower(strings.TrimSpace(coding)); coding != "gzip" && coding != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		if q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
			return false
		}
		return true
	}
	return false
}

func (s *Server) tile(c echo.Context) error {
	start := time.Now()
	res, err := s.atlas.Tile(c.Request().Context(), c.Param("z"), c.Param("x"), c.Param("y"), c.QueryParams())
	if err != nil {
		return err
	}
	if !res.Hit {
		s.metrics.observeTileBuild(time.Since(start))
	}
	h := c.Response().Header()
	h[echo.HeaderContentType] = tileHeaders.contentType
	h["Vary"] = append(h["Vary"], "Accept-Encoding")
	if res.Immutable {
		h["Cache-Control"] = tileHeaders.immutable
	} else {
		h["Cache-Control"] = tileHeaders.shortLived
	}
	body, etag := res.Entry.Raw, res.Entry.ETag
	if acceptsGzip(c.Request()) && len(res.Entry.Gzip) > 0 {
		body = res.Entry.Gzip
		h[echo.HeaderContentEncoding] = tileHeaders.gzip
		etag = strings.TrimSuffix(etag, `"`) + `-gzip"` // a distinct representation needs its own strong tag
	}
	h["Etag"] = []string{etag}
	serveBytes(c.Response(), c.Request(), body)
	return nil
}

// tileHeaders are the header values every tile response shares, allocated once (a tile hit is a few microseconds:
// per-request header slices showed in the load test's profile).
var tileHeaders = struct{ contentType, immutable, shortLived, gzip, acceptRanges []string }{
	[]string{MediaMVT}, []string{"public, max-age=31536000, immutable"}, []string{"public, max-age=60"},
	[]string{"gzip"}, []string{"bytes"},
}

// serveBytes writes body as http.ServeContent would, the ETag already set. A request without Range or conditional
// headers, nearly every tile request, takes a short path: ServeContent's precondition and range machinery was a
// third of a cached tile's handler time under load. The others go through ServeContent (304, 206, 412).
func serveBytes(w http.ResponseWriter, r *http.Request, body []byte) {
	rh := r.Header
	if rh["Range"] != nil || rh["If-None-Match"] != nil || rh["If-Match"] != nil || rh["If-Modified-Since"] != nil ||
		rh["If-Unmodified-Since"] != nil || rh["If-Range"] != nil {
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
		return
	}
	h := w.Header()
	h["Accept-Ranges"] = tileHeaders.acceptRanges
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func (s *Server) tileJSON(c echo.Context) error {
	doc, err := s.atlas.TileJSON(c.Request().Context(), s.baseURL(c), c.QueryParams())
	if err != nil {
		return err
	}
	shortCache(c)
	return writeJSON(c, http.StatusOK, MediaJSON, doc)
}

func (s *Server) style(c echo.Context) error {
	st, err := s.atlas.Style(c.Request().Context(), s.baseURL(c), c.QueryParams(), s.styleOptions())
	if err != nil {
		return err
	}
	shortCache(c)
	return writeJSON(c, http.StatusOK, MediaJSON, st)
}

func (s *Server) settlements(c echo.Context) error {
	fc, err := s.atlas.Settlements(c.Request().Context(), c.QueryParams())
	if err != nil {
		return err
	}
	shortCache(c)
	return writeJSON(c, http.StatusOK, MediaGeoJSON, fc)
}

func (s *Server) settlement(c echo.Context) error {
	f, err := s.atlas.Settlement(c.Request().Context(), c.Param("id"), c.QueryParams())
	if err != nil {
		return err
	}
	shortCache(c)
	return writeJSON(c, http.StatusOK, MediaGeoJSON, f)
}

func (s *Server) geocode(c echo.Context) error {
	res, err := s.atlas.Geocode(c.Request().Context(), c.QueryParams())
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, MediaJSON, res)
}

func (s *Server) sources(c echo.Context) error {
	src, err := s.atlas.Sources(c.Request().Context(), c.QueryParams())
	if err != nil {
		return err
	}
	shortCache(c)
	return writeJSON(c, http.StatusOK, MediaJSON, src)
}

func (s *Server) claims(c echo.Context) error {
	cl, err := s.atlas.Claims(c.Request().Context(), c.QueryParams())
	if err != nil {
		return err
	}
	shortCache(c)
	return writeJSON(c, http.StatusOK, MediaJSON, cl)
}

func (s *Server) diff(c echo.Context) error {
	d, err := s.atlas.Diff(c.Request().Context(), c.QueryParams())
	if err != nil {
		return err
	}
	shortCache(c)
	return writeJSON(c, http.StatusOK, MediaJSON, d)
}

func (s *Server) addClaim(c echo.Context) error {
	ctx := c.Request().Context()
	tok, body, err := s.writeRequest(c)
	if err != nil {
		return err
	}
	cl, err := s.atlas.AddClaim(ctx, tok, body)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/claims?settlement="+cl.SettlementID)
	return writeJSON(c, http.StatusCreated, MediaJSON, cl)
}

func (s *Server) addSource(c echo.Context) error {
	ctx := c.Request().Context()
	tok, body, err := s.writeRequest(c)
	if err != nil {
		return err
	}
	src, err := s.atlas.AddSource(ctx, tok, body)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, MediaJSON, src)
}

func (s *Server) ogcBase(c echo.Context) string { return s.baseURL(c) + "/ogc" }

func writeDoc(c echo.Context, d ogc.Document, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, d.MediaType, d.Body)
}

func (s *Server) ogcLanding(c echo.Context) error {
	d, err := s.ogc.Landing(s.ogcBase(c), c.QueryParams())
	return writeDoc(c, d, err)
}

func (s *Server) ogcConformance(c echo.Context) error {
	d, err := s.ogc.Conformance(s.ogcBase(c), c.QueryParams())
	return writeDoc(c, d, err)
}

func (s *Server) ogcAPI(c echo.Context) error {
	d, err := s.ogc.OpenAPI(s.ogcBase(c), c.QueryParams())
	return writeDoc(c, d, err)
}

func (s *Server) ogcCollections(c echo.Context) error {
	d, err := s.ogc.Collections(c.Request().Context(), s.ogcBase(c), c.QueryParams())
	return writeDoc(c, d, err)
}

func (s *Server) ogcCollection(c echo.Context) error {
	d, err := s.ogc.Collection(c.Request().Context(), s.ogcBase(c), c.Param("id"), c.QueryParams())
	return writeDoc(c, d, err)
}

func (s *Server) ogcItems(c echo.Context) error {
	d, err := s.ogc.Items(c.Request().Context(), s.ogcBase(c), c.Param("id"), c.QueryParams())
	return writeDoc(c, d, err)
}

// ogcSchema serves one of a collection's schema documents (Part 5 schema, Part 3 queryables, the features' JSON
// Schema).
func (s *Server) ogcSchema(op func(ctx context.Context, base, id string, q url.Values) (ogc.Document, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		d, err := op(c.Request().Context(), s.ogcBase(c), c.Param("id"), c.QueryParams())
		return writeDoc(c, d, err)
	}
}

func (s *Server) ogcItem(c echo.Context) error {
	d, err := s.ogc.Item(c.Request().Context(), s.ogcBase(c), c.Param("id"), c.Param("fid"), c.QueryParams())
	return writeDoc(c, d, err)
}

// authorized checks the request's bearer token.
func (s *Server) authorized(c echo.Context) (auth.Token, error) {
	return s.writer(c) // the desk's session token, or the bearer token
}

// privateJSON writes a response that no cache may keep.
func privateJSON(c echo.Context, status int, v any) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return writeJSON(c, status, MediaJSON, v)
}

func (s *Server) addReport(c echo.Context) error {
	tok, body, err := s.writeRequest(c)
	if err != nil {
		return err
	}
	r, err := s.atlas.AddReport(c.Request().Context(), tok, body)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/reports/"+strconv.FormatInt(r.ID, 10))
	return privateJSON(c, http.StatusCreated, r)
}

func (s *Server) listReports(c echo.Context) error {
	if _, err := s.authorized(c); err != nil {
		return err
	}
	list, err := s.atlas.Reports(c.Request().Context(), c.QueryParams())
	if err != nil {
		return err
	}
	if list.Next != "" {
		list.Next = "/api/reports?" + list.Next
		c.Response().Header().Set("Link", "<"+list.Next+`>; rel="next"`)
	}
	return privateJSON(c, http.StatusOK, list)
}

func (s *Server) showReport(c echo.Context) error {
	if _, err := s.authorized(c); err != nil {
		return err
	}
	r, err := s.atlas.Report(c.Request().Context(), c.Param("id"), c.QueryParams())
	if err != nil {
		return err
	}
	return privateJSON(c, http.StatusOK, r)
}

func (s *Server) addSourceAlias(c echo.Context) error {
	if _, err := s.authorized(c); err != nil {
		return err
	}
	body, err := jsonBody(c)
	if err != nil {
		return err
	}
	a, err := s.atlas.AddSourceAlias(c.Request().Context(), c.Param("id"), body)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, MediaJSON, a)
}
