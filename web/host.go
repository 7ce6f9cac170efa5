package web

import (
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// baseURL is the public URL links are built on: Config.PublicURL when set. Without it, the request's Host header
// is used only when it names this server beyond doubt — a loopback name or address, the host of the listen address,
// or the very address the connection came in on — and otherwise the connection's local address replaces it. So a
// client that sends "Host: evil.example" cannot put its host into the oEmbed, TileJSON, style and OGC documents that
// caches keep. The scheme is https on TLS, or what a trusted proxy's X-Forwarded-Proto says (http or https only).
func (s *Server) baseURL(c echo.Context) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimSuffix(s.cfg.PublicURL, "/")
	}
	r := c.Request()
	return s.requestScheme(r) + "://" + s.requestHost(r)
}

// requestScheme is https for TLS, the X-Forwarded-Proto of a trusted proxy when it is http or https, else http.
func (s *Server) requestScheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	if s.fromTrustedProxy(r) {
		switch p := strings.ToLower(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto"))); p {
		case "http", "https":
			return p
		}
	}
	return "http"
}

func (s *Server) fromTrustedProxy(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	return slices.ContainsFunc(s.cfg.TrustedProxies, func(p netip.Prefix) bool { return p.Contains(ip) })
}

// requestHost returns the request's Host when it is valid and names this server, else the connection's local
// address (or, with no connection, as in handler tests, the listen address or "localhost").
func (s *Server) requestHost(r *http.Request) string {
	local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	var localAP netip.AddrPort
	if local != nil {
		localAP, _ = netip.ParseAddrPort(local.String())
	}
	if h, ok := s.trustedHost(r.Host, localAP); ok {
		return h
	}
	if s.hostWarned.CompareAndSwap(false, true) {
		s.log.Warn("a request's Host header does not name this server; links use the connection's address instead: set --public-url",
			"host", truncate(r.Host, 100))
	}
	if localAP.IsValid() {
		return localAP.String()
	}
	if h, ok := s.trustedHost(s.cfg.Addr, netip.AddrPort{}); ok {
		return h
	}
	return "localhost"
}

// trustedHost reports whether host (host[:port]) is well-formed and names this server: a loopback name or address,
// the listen address's host, or the local address of the connection. It returns host lower-cased.
func (s *Server) trustedHost(host string, local netip.AddrPort) (string, bool) {
	if host == "" || len(host) > 255 {
		return "", false
	}
	name, port := host, ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		name, port = host[:i], host[i+1:]
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
			return "", false
		}
	}
	name = strings.ToLower(name)
	if strings.HasPrefix(name, "[") && strings.HasSuffix(name, "]") {
		name = name[1 : len(name)-1]
	}
	if name == "" {
		return "", false
	}
	if ip, err := netip.ParseAddr(name); err == nil {
		ip = ip.Unmap()
		if ip.Zone() != "" {
			return "", false
		}
		if !ip.IsLoopback() && !(local.IsValid() && ip == local.Addr().Unmap()) && !s.isListenHost(ip.String()) {
			return "", false
		}
		hp := ip.String()
		if ip.Is6() {
			hp = "[" + hp + "]"
		}
		if port != "" {
			hp += ":" + port
		}
		return hp, true
	}
	if !validHostname(name) || (name != "localhost" && !strings.HasSuffix(name, ".localhost") && !s.isListenHost(name)) {
		return "", false
	}
	if port != "" {
		return name + ":" + port, true
	}
	return name, true
}

// isListenHost reports whether name is the host part of Config.Addr (not a wildcard).
func (s *Server) isListenHost(name string) bool {
	h, _, err := net.SplitHostPort(s.cfg.Addr)
	if err != nil || h == "" || h == "0.0.0.0" || h == "::" {
		return false
	}
	return strings.EqualFold(strings.Trim(h, "[]"), name)
}

// validHostname reports whether name is a DNS name of letters, digits, hyphens and dots (RFC 1123).
func validHostname(name string) bool {
	if len(name) > 253 {
		return false
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
