package web

import (
	"net"
	"net/http"
	"net/netip"
	"testing"
)

// fakeConn is a connection from a given address that records whether it was closed.
type fakeConn struct {
	net.Conn
	addr   net.Addr
	closed bool
}

func (c *fakeConn) RemoteAddr() net.Addr { return c.addr }
func (c *fakeConn) Close() error         { c.closed = true; return nil }

func conn(ip string) *fakeConn {
	return &fakeConn{addr: &net.TCPAddr{IP: net.ParseIP(ip), Port: 40000}}
}

// TestConnLimiter: the per-address bound pushes out that address's longest-idle connection, the total bound the
// longest-idle of all; busy connections are never pushed out (the new one is refused instead); a trusted proxy
// counts towards the total only.
func TestConnLimiter(t *testing.T) {
	proxy := netip.MustParsePrefix("10.0.0.0/8")
	l := newConnLimiter(6, 2, []netip.Prefix{proxy})
	a1, a2, a3 := conn("192.0.2.1"), conn("192.0.2.1"), conn("192.0.2.1")
	b1 := conn("198.51.100.7")
	for _, c := range []*fakeConn{a1, a2, b1} {
		if !l.admit(c) {
			t.Fatalf("admit(%v) = false with room left", c.addr)
		}
	}
	l.connState(a1, http.StateActive)
	l.connState(a1, http.StateIdle) // a1 is now idle for less long than a2
	if !l.admit(a3) || a1.closed || !a2.closed {
		t.Fatalf("third connection from one address: admitted, a1 closed %v, a2 closed %v; want a2 (longest idle) closed", a1.closed, a2.closed)
	}
	l.connState(a1, http.StateActive)
	l.connState(a3, http.StateActive)
	if a4 := conn("192.0.2.1"); l.admit(a4) {
		t.Fatal("a connection past the per-address bound was admitted while every connection of that address is busy")
	}
	if b1.closed {
		t.Fatal("another address's connection was pushed out by the per-address bound")
	}
	// The proxy's connections are not bound per address: four of them fit beside a1, a3 and b1… up to the total.
	var ps []*fakeConn
	for range 3 {
		p := conn("10.1.2.3")
		if !l.admit(p) {
			t.Fatal("a trusted proxy's connection was refused below the total bound")
		}
		l.connState(p, http.StateActive)
		ps = append(ps, p)
	}
	// Total is 6: a1, a3 (busy), b1 (idle), three proxy (busy). A new one pushes out b1, the only idle one.
	p4 := conn("10.1.2.3")
	if !l.admit(p4) || !b1.closed {
		t.Fatalf("at the total bound: b1 closed %v, want the only idle connection pushed out", b1.closed)
	}
	l.connState(p4, http.StateActive)
	if l.admit(conn("203.0.113.9")) {
		t.Fatal("a connection past the total bound was admitted while all are busy")
	}
	// Connections closed by their peers free their places.
	l.connState(ps[0], http.StateClosed)
	l.connState(b1, http.StateClosed) // already forgotten: no effect
	if !l.admit(conn("203.0.113.9")) {
		t.Fatal("no room after a connection closed")
	}
	if got := l.open.Load(); got != 6 {
		t.Errorf("open = %d, want 6", got)
	}
	if got := l.evicted.Load(); got != 2 {
		t.Errorf("evicted = %d, want 2", got)
	}
}

// TestConnLimiterIPv6: addresses of one /64 share the per-address bound; another /64 does not.
func TestConnLimiterIPv6(t *testing.T) {
	l := newConnLimiter(0, 2, nil)
	for _, ip := range []string{"2001:db8:1:2::1", "2001:db8:1:2::ffff"} {
		c := conn(ip)
		if !l.admit(c) {
			t.Fatalf("admit(%s) refused below the bound", ip)
		}
		l.connState(c, http.StateActive)
	}
	if l.admit(conn("2001:db8:1:2:abcd::9")) {
		t.Error("a third address of the same /64 was admitted past the per-address bound")
	}
	if !l.admit(conn("2001:db8:1:3::1")) {
		t.Error("an address of another /64 was refused")
	}
}
