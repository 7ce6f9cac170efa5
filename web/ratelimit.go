package web

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tiled-maps/tiled/atlas"
)

// ErrRateLimited is returned for a write over its token's or its client's rate, and for an expensive read over its
// client's rate; the response is a 429 with Retry-After.
var ErrRateLimited = errors.New("web: too many requests")

// Rate is a rate limit: at most N events in any Per, in bursts of up to N. The zero Rate means no limit.
type Rate struct {
	N   int
	Per time.Duration
}

// Unlimited reports whether r sets no limit.
func (r Rate) Unlimited() bool { return r.N <= 0 || r.Per <= 0 }

// String writes r as ParseRate reads it: "60/m", or "off".
func (r Rate) String() string {
	if r.Unlimited() {
		return "off"
	}
	for _, u := range []struct {
		d time.Duration
		s string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if r.Per == u.d {
			return strconv.Itoa(r.N) + "/" + u.s
		}
	}
	return strconv.Itoa(r.N) + "/" + r.Per.String()
}

// ParseRate reads a rate written N/UNIT, with UNIT s, m, h or a duration ("60/m", "5/s", "100/10m"); "off", "0"
// and "" mean no limit.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "off" || s == "0" {
		return Rate{}, nil
	}
	n, unit, ok := strings.Cut(s, "/")
	count, err := strconv.Atoi(n)
	if !ok || err != nil || count < 1 {
		return Rate{}, fmt.Errorf("web: rate %q: want N/UNIT with N ≥ 1 (\"60/m\"), or off", s)
	}
	var per time.Duration
	switch unit {
	case "s":
		per = time.Second
	case "m":
		per = time.Minute
	case "h":
		per = time.Hour
	default:
		if per, err = time.ParseDuration(unit); err != nil || per <= 0 {
			return Rate{}, fmt.Errorf("web: rate %q: want a unit s, m, h or a positive duration after the /", s)
		}
	}
	return Rate{N: count, Per: per}, nil
}

// ParsePrefixes reads a comma-separated list of CIDR prefixes or single addresses ("10.0.0.0/8,192.0.2.7").
func ParsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			a, err := netip.ParseAddr(part)
			if err != nil {
				return nil, fmt.Errorf("web: trusted proxy %q: want an address or a CIDR prefix", part)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, fmt.Errorf("web: trusted proxy %q: want an address or a CIDR prefix", part)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// ipExtractor returns how the server reads a client's address: the connection's peer, unless trusted proxies are
// configured; then the nearest address in X-Forwarded-For that is not one of them (a request that does not come from
// a trusted proxy keeps its peer address, whatever headers it sends).
func ipExtractor(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		opts = append(opts, echo.TrustIPRange(&net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// rateLimitError is ErrRateLimited with what was limited and when to retry.
type rateLimitError struct {
	what       string // "writes" or "expensive reads"
	scope      string // "token" or "client"
	retryAfter time.Duration
}

func (e *rateLimitError) Error() string {
	return fmt.Sprintf("too many %s from this %s: retry in %d s", e.what, e.scope, retryAfterSeconds(e.retryAfter))
}

func (e *rateLimitError) Unwrap() error { return ErrRateLimited }

// retryAfterSeconds rounds d up to whole seconds, at least 1, for Retry-After.
func retryAfterSeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}

// maxBuckets bounds each limiter's table; past it, buckets that are full again (idle long enough) are dropped.
const maxBuckets = 1 << 16

// limiter is a set of token buckets by key: each key may spend rate.N tokens at once, refilled at rate.N per
// rate.Per.
type limiter struct {
	rate    Rate
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(r Rate) *limiter { return &limiter{rate: r, buckets: map[string]*bucket{}} }

// allow spends one token of key at now, or reports how long until one is available.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	if l == nil || l.rate.Unlimited() {
		return true, 0
	}
	burst := float64(l.rate.N)
	perToken := l.rate.Per / time.Duration(l.rate.N)
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.sweep(now)
		}
		b = &bucket{tokens: burst, last: now}
		l.buckets[key] = b
	}
	if el := now.Sub(b.last); el > 0 {
		b.tokens = min(burst, b.tokens+float64(el)/float64(perToken))
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(perToken))
}

// sweep drops the buckets that have refilled by now (they are the same as no bucket); if an attacker's addresses
// still fill the table, it is cleared, failing open rather than locking out new clients.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if float64(now.Sub(b.last))/float64(l.rate.Per/time.Duration(l.rate.N))+b.tokens >= float64(l.rate.N) {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxBuckets {
		clear(l.buckets)
	}
}

// writeLimits holds the rate limiters of a server: writes by token and by client, expensive reads by client.
type writeLimits struct {
	token, client, reads *limiter
	now                  func() time.Time
}

// heavyLimit is the page size above which an API or OGC read counts as expensive.
const heavyLimit = 1000

// isExpensiveRead reports whether a read counts against Config.ReadRateIP: a whole export (an export request
// without Range: ranges of the file GDAL's /vsicurl/ reads piecewise are cheap), or a page of more than heavyLimit
// features or claims.
func isExpensiveRead(c echo.Context) bool {
	r := c.Request()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if strings.HasPrefix(c.Path(), "/export/") {
		return r.Header.Get("Range") == ""
	}
	n, err := strconv.Atoi(c.QueryParam("limit"))
	return err == nil && n > heavyLimit
}

// limitReads is the middleware that rate-limits expensive reads by client IP (Config.ReadRateIP). Ordinary reads —
// tiles, pages, small API pages — are never limited.
func (s *Server) limitReads(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.limits.reads.rate.Unlimited() || !isExpensiveRead(c) {
			return next(c)
		}
		if ok, wait := s.limits.reads.allow(c.RealIP(), s.limits.now()); !ok {
			return &rateLimitError{what: "expensive reads (exports, pages over 1000)", scope: "client", retryAfter: wait}
		}
		return next(c)
	}
}

// isWrite reports whether a request changes something (anything but GET, HEAD and OPTIONS).
func isWrite(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// limitWrites is the middleware that rate-limits writes: first by client IP (every attempt counts, so guessing
// tokens is slow), then by the bearer token presented (keyed by its hash, never kept in the clear).
func (s *Server) limitWrites(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !isWrite(c.Request()) {
			return next(c)
		}
		now := s.limits.now()
		if ok, wait := s.limits.client.allow(c.RealIP(), now); !ok {
			return &rateLimitError{what: "writes", scope: "client", retryAfter: wait}
		}
		if tok := bearer(c.Request().Header.Get(echo.HeaderAuthorization)); tok != "" {
			sum := sha256.Sum256([]byte(tok))
			if ok, wait := s.limits.token.allow(string(sum[:]), now); !ok {
				return &rateLimitError{what: "writes", scope: "token", retryAfter: wait}
			}
		}
		return next(c)
	}
}

// bearer returns the credential of an "Authorization: Bearer X" header, or "".
func bearer(h string) string {
	f := strings.Fields(h)
	if len(f) != 2 || !strings.EqualFold(f[0], "Bearer") {
		return ""
	}
	return f[1]
}

// limitBodies bounds the body of every write to atlas.MaxBodyBytes (atlas.MaxReportBodyBytes for a report): a declared longer body is refused before it is
// read (413), and no handler can read past the bound, whatever route a write reaches.
func limitBodies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !isWrite(r) {
			return next(c)
		}
		limit := int64(atlas.MaxBodyBytes)
		if r.URL.Path == "/api/reports" || r.URL.Path == "/desk/api/reports" {
			limit = atlas.MaxReportBodyBytes // a report's text is longer than any other write
		}
		if r.ContentLength > limit {
			return atlas.ErrBodyTooLarge
		}
		// One byte more than the bound, so that the decoder can tell "exactly at the bound" from "over it".
		r.Body = http.MaxBytesReader(c.Response(), r.Body, limit+1)
		return next(c)
	}
}
