package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/ogc"
)

// Config is the server's configuration, filled by cmd/tiled from flags and environment.
type Config struct {
	// Addr is the listen address, host:port.
	Addr string
	// PublicURL is the server's public base URL ("https://maps.example.org"); "" derives it from each request.
	PublicURL string
	// FrameAncestors is the CSP frame-ancestors source list for pages; "" means "*" (embeddable anywhere).
	FrameAncestors string
	// BasemapTiles is the raster XYZ template pages and the style use; "-" for none, "" for OpenStreetMap.
	BasemapTiles string
	// BasemapAttribution credits the basemap.
	BasemapAttribution string
	// ShutdownTimeout bounds graceful shutdown; 0 means 10 s.
	ShutdownTimeout time.Duration
	// WriteRate bounds the writes each bearer token may make; the zero Rate sets no limit.
	WriteRate Rate
	// WriteRateIP bounds the writes (attempts, with or without a valid token) each client IP may make; the zero Rate
	// sets no limit.
	WriteRateIP Rate
	// Storage reports whether the store can take writes (free space, a read-only mount), as a storage fault error
	// (sqlite.DB.Storage); /ready answers 503 while it fails. nil: not checked.
	Storage func(context.Context) error
	// ReadRateIP bounds the expensive reads (whole exports, API and OGC pages of more than 1000) each client IP may
	// make; the zero Rate sets no limit.
	ReadRateIP Rate
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header is believed. With none, a client's IP is
	// the connection's peer address and forwarding headers are ignored.
	TrustedProxies []netip.Prefix
	// Now is the clock of the rate limits; nil means time.Now.
	Now func() time.Time
	// MaxConns bounds the connections open at once; past it the longest-idle connection is closed to make room, or
	// the new one refused when all are busy. 0 means DefaultMaxConns, < 0 no bound.
	MaxConns int
	// MaxConnsPerIP bounds the connections open at once from one client address (a trusted proxy's connections
	// count towards MaxConns only). 0 means DefaultMaxConnsPerIP, < 0 no bound.
	MaxConnsPerIP int
	// IdleTimeout closes a keep-alive connection idle for this long; 0 means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// MaxExports bounds the /export/ responses in progress at once (written or being sent); beyond it the answer
	// is 429 with Retry-After. 0 means DefaultMaxExports.
	MaxExports int
}

// Default basemap: OpenStreetMap's standard tiles, with their required attribution.
const (
	OSMTiles       = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
	OSMAttribution = `© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors`
)

// Server serves the atlas over HTTP.
type Server struct {
	cfg     Config
	atlas   *atlas.Atlas
	ogc     *ogc.Service
	log     *slog.Logger
	metrics *metrics
	// requestIDs numbers requests: unique per process and cheap, unlike 32 random characters a request.
	requestIDs requestIDs
	echo       *echo.Echo
	limits     writeLimits
	origins    *http.CrossOriginProtection
	conns      *connLimiter
	hostWarned atomic.Bool   // the Host warning is logged once
	fullAt     atomic.Int64  // when a write last failed on a full disk (Unix ns), 0 after a successful write
	exports    chan struct{} // a slot per export in progress (export.go)
}

// New builds the server and its routes.
func New(cfg Config, a *atlas.Atlas, log *slog.Logger) *Server {
	if cfg.FrameAncestors == "" {
		cfg.FrameAncestors = "*"
	}
	switch cfg.BasemapTiles {
	case "":
		cfg.BasemapTiles, cfg.BasemapAttribution = OSMTiles, OSMAttribution
	case "-", "none", "off":
		cfg.BasemapTiles, cfg.BasemapAttribution = "", ""
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxConns == 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.MaxConnsPerIP == 0 {
		cfg.MaxConnsPerIP = DefaultMaxConnsPerIP
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxExports <= 0 {
		cfg.MaxExports = DefaultMaxExports
	}
	s := &Server{exports: make(chan struct{}, cfg.MaxExports), cfg: cfg, atlas: a, ogc: a.OGC(), log: log, metrics: newMetrics(), echo: echo.New(),
		limits: writeLimits{token: newLimiter(cfg.WriteRate), client: newLimiter(cfg.WriteRateIP),
			reads: newLimiter(cfg.ReadRateIP), now: cfg.Now},
		origins: newOriginCheck(cfg.PublicURL), conns: newConnLimiter(cfg.MaxConns, cfg.MaxConnsPerIP, cfg.TrustedProxies)}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)
	e.HTTPErrorHandler = s.handleError
	e.Pre(middleware.RequestIDWithConfig(middleware.RequestIDConfig{Generator: s.requestIDs.next}))
	e.Use(s.observe, s.recoverPanics, s.headers, checkQuery, s.sameOriginWrites)
	// CORS opens reads to every origin; writes get no CORS headers at all (and sameOriginWrites refuses them
	// from other origins).
	e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
		Skipper:      func(c echo.Context) bool { return isWrite(c.Request()) },
		AllowOrigins: []string{"*"}, AllowMethods: []string{http.MethodGet, http.MethodHead},
		ExposeHeaders: []string{"ETag", echo.HeaderXRequestID},
	}))
	e.Use(s.limitWrites, s.limitReads, limitBodies)
	s.routes()
	var patterns []string
	for _, r := range e.Routes() {
		patterns = append(patterns, r.Path)
	}
	s.metrics.setRoutes(patterns)
	return s
}

// Handler returns the server's http.Handler (for tests and embedding).
func (s *Server) Handler() http.Handler { return s.echo }

// Run listens on cfg.Addr and serves until ctx is done, then shuts down gracefully, letting in-flight requests
// finish within ShutdownTimeout. ready, if not nil, receives the bound address once listening.
func (s *Server) Run(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	// Past the limit on open files, Accept fails and nobody is served: keep the connection bound under it, with room
	// for the store's files.
	if fl := fdLimit(); fl > 0 && (s.conns.max <= 0 || s.conns.max > fl-128) {
		s.conns.max = max(fl-128, 16)
		s.log.Warn("connection bound lowered to fit the limit on open files", "max_conns", s.conns.max, "nofile", fl)
	}
	ln = s.conns.listener(ln)
	srv := &http.Server{
		Handler:           s.echo,
		ConnState:         s.conns.connState,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      2 * time.Minute, // exports of a large store take a while
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	s.log.Info("tiled serving", "addr", ln.Addr().String())
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing in-flight requests", "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// requestIDs makes request ids "<random prefix>-<counter>": the prefix (drawn once per server) tells processes
// apart in merged logs, the counter tells requests apart.
type requestIDs struct {
	once   sync.Once
	prefix string
	n      atomic.Uint64
}

func (r *requestIDs) next() string {
	r.once.Do(func() {
		var b [4]byte
		_, _ = rand.Read(b[:])
		r.prefix = hex.EncodeToString(b[:]) + "-"
	})
	return r.prefix + strconv.FormatUint(r.n.Add(1), 36)
}

// observe logs each request and feeds the metrics, labelled by route pattern (not raw path).
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		d := time.Since(start)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		if status >= 200 && status < 300 && s.fullAt.Load() != 0 && isWrite(c.Request()) {
			s.fullAt.Store(0) // a write went through: the disk has room again
		}
		s.metrics.observe(c.Request().Method, route, status, d)
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(c.Request().Context(), level, "request",
			slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
			slog.String("method", c.Request().Method), slog.String("path", c.Request().URL.Path),
			slog.String("route", route), slog.Int("status", status), slog.Duration("duration", d),
			slog.Int64("bytes", c.Response().Size), slog.String("remote", c.RealIP()))
		return nil
	}
}

// recoverPanics turns a panic into a logged 500, so one bad request cannot take the server down.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				err = fmt.Errorf("web: panic: %v", r)
			}
		}()
		return next(c)
	}
}

// headers sets the headers every response carries: no MIME sniffing, a referrer policy, and a CSP that allows
// embedding by the configured frame ancestors (never X-Frame-Options, which would forbid newsroom iframes).
func (s *Server) headers(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Content-Security-Policy", "frame-ancestors "+s.cfg.FrameAncestors)
		return next(c)
	}
}
