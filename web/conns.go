package web

import (
	"container/list"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Connection bounds (see Config.MaxConns and Config.MaxConnsPerIP).
const (
	// DefaultMaxConns bounds the connections open at once.
	DefaultMaxConns = 4096
	// DefaultMaxConnsPerIP bounds the connections open at once from one client address (a browser opens about six;
	// an office behind one NAT address a few hundred).
	DefaultMaxConnsPerIP = 256
	// DefaultIdleTimeout closes a keep-alive connection that has sent nothing for this long.
	DefaultIdleTimeout = 60 * time.Second
)

// connLimiter bounds a listener's connections, in total and per client address. A connection is idle between
// requests (keep-alive) and before its first request; when a new connection would pass a bound, the idle connection
// that has waited longest (of the same address, for the per-address bound) is closed to make room: HTTP lets a server
// close an idle connection at any time, and clients retry on a new one. When every connection in the way is busy with
// a request, the new connection is refused. So 20,000 idle keep-alive connections cannot lock anyone out: each new
// client pushes out the oldest of them. Connections from trusted proxies count towards the total only (they carry
// many clients). An IPv6 client is its /64, which one host may hold whole.
type connLimiter struct {
	max, perIP int
	trusted    []netip.Prefix

	mu    sync.Mutex
	conns map[net.Conn]*connEntry
	idle  list.List               // of *connEntry, longest idle first
	byIP  map[netip.Addr]*ipConns // per client address
	now   func() time.Time

	open, evicted, refused atomic.Int64
}

type connEntry struct {
	conn     net.Conn
	ip       netip.Addr
	perIP    bool          // counted towards its address's bound
	idleElem *list.Element // in connLimiter.idle, nil when busy
	ipElem   *list.Element // in ipConns.idle, nil when busy
}

type ipConns struct {
	n    int
	idle list.List // of *connEntry, longest idle first
}

func newConnLimiter(max, perIP int, trusted []netip.Prefix) *connLimiter {
	return &connLimiter{max: max, perIP: perIP, trusted: trusted, conns: map[net.Conn]*connEntry{},
		byIP: map[netip.Addr]*ipConns{}, now: time.Now}
}

// listener wraps ln so that every accepted connection passes the bounds.
func (l *connLimiter) listener(ln net.Listener) net.Listener {
	return &limitedListener{Listener: ln, l: l}
}

type limitedListener struct {
	net.Listener
	l *connLimiter
}

// Accept returns the next connection within the bounds, closing idle connections to make room or refusing the new
// one when it cannot.
func (ll *limitedListener) Accept() (net.Conn, error) {
	for {
		c, err := ll.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if ll.l.admit(c) {
			return c, nil
		}
		ll.l.refused.Add(1)
		refuse(c)
	}
}

// refuse answers a connection that cannot be served with a 503 and closes it, without waiting on the client.
func refuse(c net.Conn) {
	_ = c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	_, _ = c.Write([]byte("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\nContent-Length: 30\r\n\r\ntoo many connections: retry.\r\n"))
	_ = c.Close()
}

func addrOf(c net.Conn) netip.Addr {
	if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}

// admit registers c, closing the longest-idle connections in its way; false when the bounds are met by busy
// connections.
func (l *connLimiter) admit(c net.Conn) bool {
	ip := addrOf(c)
	perIP := l.perIP > 0 && !slices.ContainsFunc(l.trusted, func(p netip.Prefix) bool { return p.Contains(ip) })
	if ip.Is6() {
		ip = netip.PrefixFrom(ip, 64).Masked().Addr() // one IPv6 client holds a whole /64
	}
	var victims []net.Conn
	defer func() {
		for _, v := range victims {
			_ = v.Close() // the server's ConnState(StateClosed) then forgets it
		}
	}()
	l.mu.Lock()
	defer l.mu.Unlock()
	ipc := l.byIP[ip]
	if perIP && ipc != nil && ipc.n >= l.perIP {
		if ipc.idle.Len() == 0 {
			return false
		}
		victims = append(victims, l.removeLocked(ipc.idle.Front().Value.(*connEntry)))
		l.evicted.Add(1)
	}
	if l.max > 0 && len(l.conns) >= l.max {
		if l.idle.Len() == 0 {
			return false
		}
		victims = append(victims, l.removeLocked(l.idle.Front().Value.(*connEntry)))
		l.evicted.Add(1)
	}
	if ipc = l.byIP[ip]; ipc == nil {
		ipc = &ipConns{}
		l.byIP[ip] = ipc
	}
	e := &connEntry{conn: c, ip: ip, perIP: perIP}
	if perIP {
		ipc.n++
	}
	l.conns[c] = e
	l.markIdleLocked(e, ipc) // a new connection has not sent a request yet: it may be pushed out like an idle one
	l.open.Store(int64(len(l.conns)))
	return true
}

func (l *connLimiter) markIdleLocked(e *connEntry, ipc *ipConns) {
	if e.idleElem == nil {
		e.idleElem = l.idle.PushBack(e)
	}
	if e.perIP && e.ipElem == nil {
		e.ipElem = ipc.idle.PushBack(e)
	}
}

func (l *connLimiter) markBusyLocked(e *connEntry, ipc *ipConns) {
	if e.idleElem != nil {
		l.idle.Remove(e.idleElem)
		e.idleElem = nil
	}
	if e.ipElem != nil {
		ipc.idle.Remove(e.ipElem)
		e.ipElem = nil
	}
}

// removeLocked forgets e and returns its connection, which the caller closes after unlocking.
func (l *connLimiter) removeLocked(e *connEntry) net.Conn {
	ipc := l.byIP[e.ip]
	l.markBusyLocked(e, ipc)
	delete(l.conns, e.conn)
	if e.perIP {
		ipc.n--
	}
	if ipc.n == 0 && ipc.idle.Len() == 0 {
		delete(l.byIP, e.ip)
	}
	l.open.Store(int64(len(l.conns)))
	return e.conn
}

// connState is the http.Server's ConnState hook: it tracks which connections are idle. net/http reports StateActive
// only once a request's headers are all in, so a client sending its headers a byte at a time stays evictable.
func (l *connLimiter) connState(c net.Conn, st http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.conns[c]
	if e == nil {
		return
	}
	switch st {
	case http.StateActive:
		l.markBusyLocked(e, l.byIP[e.ip])
	case http.StateIdle:
		l.markIdleLocked(e, l.byIP[e.ip])
	case http.StateClosed, http.StateHijacked:
		l.removeLocked(e)
	}
}

// writeMetrics writes the connection gauge and counters in the Prometheus text format.
func (l *connLimiter) writeMetrics(w io.Writer) {
	fmt.Fprintf(w, "# HELP tiled_http_connections Connections open (served by Run).\n# TYPE tiled_http_connections gauge\ntiled_http_connections %d\n", l.open.Load())
	fmt.Fprintf(w, "# HELP tiled_http_connections_evicted_total Idle connections closed to make room for new ones.\n# TYPE tiled_http_connections_evicted_total counter\ntiled_http_connections_evicted_total %d\n", l.evicted.Load())
	fmt.Fprintf(w, "# HELP tiled_http_connections_refused_total New connections refused: every connection in the way was busy.\n# TYPE tiled_http_connections_refused_total counter\ntiled_http_connections_refused_total %d\n", l.refused.Load())
}
