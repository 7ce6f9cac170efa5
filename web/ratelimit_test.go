package web

import (
	"net/http/httptest"
	"net/netip"
	"slices"
	"strconv"
	"testing"
	"time"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		in      string
		want    Rate
		wantErr bool
	}{
		{"60/m", Rate{60, time.Minute}, false},
		{"5/s", Rate{5, time.Second}, false},
		{"1000/h", Rate{1000, time.Hour}, false},
		{"100/10m", Rate{100, 10 * time.Minute}, false},
		{" 7/m ", Rate{7, time.Minute}, false},
		{"off", Rate{}, false},
		{"0", Rate{}, false},
		{"", Rate{}, false},
		{"60", Rate{}, true},
		{"0/m", Rate{}, true},
		{"-1/m", Rate{}, true},
		{"60/d", Rate{}, true},
		{"60/-1s", Rate{}, true},
		{"x/m", Rate{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRate(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseRate(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
			if err == nil {
				if back, err := ParseRate(got.String()); err != nil || back != got {
					t.Errorf("ParseRate(%q) = %v, %v; want %v back", got.String(), back, err, got)
				}
			}
		})
	}
}

func TestParsePrefixes(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"", nil, false},
		{"10.0.0.0/8", []string{"10.0.0.0/8"}, false},
		{"10.1.2.3/8, 192.0.2.7 ,::1", []string{"10.0.0.0/8", "192.0.2.7/32", "::1/128"}, false},
		{"10.0.0.0/33", nil, true},
		{"proxy.example.org", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePrefixes(tt.in)
			var s []string
			for _, p := range got {
				s = append(s, p.String())
			}
			if (err != nil) != tt.wantErr || !slices.Equal(s, tt.want) {
				t.Errorf("ParsePrefixes(%q) = %v, %v; want %v, error %v", tt.in, s, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestLimiter(t *testing.T) {
	t0 := time.Date(2025, 4, 10, 12, 0, 0, 0, time.UTC)
	l := newLimiter(Rate{N: 3, Per: time.Minute})
	steps := []struct {
		key      string
		at       time.Duration
		want     bool
		wantWait time.Duration
	}{
		{"a", 0, true, 0},
		{"a", 0, true, 0},
		{"a", time.Second, true, 0},
		{"a", time.Second, false, 19 * time.Second}, // 1/20 of a token came back in the second
		{"b", time.Second, true, 0},                 // keys are independent
		{"a", 20 * time.Second, true, 0},
		{"a", 20 * time.Second, false, 20 * time.Second},
		{"a", 10 * time.Minute, true, 0}, // refilled, but never past the burst
		{"a", 10 * time.Minute, true, 0},
		{"a", 10 * time.Minute, true, 0},
		{"a", 10 * time.Minute, false, 20 * time.Second},
	}
	for i, s := range steps {
		ok, wait := l.allow(s.key, t0.Add(s.at))
		if ok != s.want || wait.Round(time.Millisecond) != s.wantWait {
			t.Errorf("step %d: allow(%q, +%v) = %v, %v; want %v, %v", i, s.key, s.at, ok, wait, s.want, s.wantWait)
		}
	}
	if ok, _ := newLimiter(Rate{}).allow("a", t0); !ok {
		t.Error("an unlimited limiter refused")
	}
}

func TestLimiterSweep(t *testing.T) {
	t0 := time.Date(2025, 4, 10, 12, 0, 0, 0, time.UTC)
	l := newLimiter(Rate{N: 2, Per: time.Second})
	for i := range maxBuckets - 1 {
		l.allow(strconv.Itoa(i), t0)
	}
	l.allow("busy", t0)
	l.allow("busy", t0)
	if len(l.buckets) != maxBuckets {
		t.Fatalf("table holds %d buckets, want %d", len(l.buckets), maxBuckets)
	}
	// A second later every bucket has refilled but "busy": the next new key sweeps the others away.
	l.allow("new", t0.Add(900*time.Millisecond))
	if len(l.buckets) != 2 {
		t.Errorf("after the sweep %d buckets remain, want 2 (busy and new)", len(l.buckets))
	}
	if ok, _ := l.allow("busy", t0.Add(900*time.Millisecond)); !ok {
		t.Error("busy was refused after 0.9 s, want allowed (1.8 tokens back)")
	}
	// When every bucket is in use, a new key clears the table: failing open, never locking out new clients, and
	// never holding more than maxBuckets.
	for i := range maxBuckets + 10 {
		if ok, _ := l.allow("k"+strconv.Itoa(i), t0.Add(time.Second)); !ok || len(l.buckets) > maxBuckets {
			t.Fatalf("new key %d into a table of busy buckets: allowed %v, %d buckets; want allowed, at most %d", i, ok, len(l.buckets), maxBuckets)
		}
	}
	// 2 buckets (busy, new) + maxBuckets+10 keys: cleared once when full, 12 keys inserted after.
	if n := len(l.buckets); n != 12 {
		t.Errorf("after overflowing the table holds %d buckets, want 12 (cleared once)", n)
	}
}

func TestIPExtractor(t *testing.T) {
	tests := []struct {
		name, peer, xff string
		trusted         []netip.Prefix
		want            string
	}{
		{"direct, header ignored", "198.51.100.7:1234", "203.0.113.1", nil, "198.51.100.7"},
		{"direct, private peer, header ignored", "10.0.0.5:1234", "203.0.113.1", nil, "10.0.0.5"},
		{"trusted proxy", "10.0.0.5:1234", "203.0.113.1", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "203.0.113.1"},
		{"untrusted peer", "198.51.100.7:1234", "203.0.113.1", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "198.51.100.7"},
		{"chain: nearest untrusted", "10.0.0.5:1234", "192.0.2.9, 203.0.113.1, 10.0.0.9", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "203.0.113.1"},
		{"loopback not trusted by default", "127.0.0.1:1234", "203.0.113.1", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "127.0.0.1"},
		{"garbage header", "10.0.0.5:1234", "not-an-ip", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "10.0.0.5"},
		{"IPv6 proxy", "[2001:db8::1]:1234", "203.0.113.1", []netip.Prefix{netip.MustParsePrefix("2001:db8::/32")}, "203.0.113.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/claims", nil)
			r.RemoteAddr = tt.peer
			r.Header.Set("X-Forwarded-For", tt.xff)
			r.Header.Set("X-Real-Ip", "192.0.2.200")
			if got := ipExtractor(tt.trusted)(r); got != tt.want {
				t.Errorf("client IP of %s via %q (trusted %v) = %q, want %q", tt.peer, tt.xff, tt.trusted, got, tt.want)
			}
		})
	}
}
