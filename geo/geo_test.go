package geo

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestDistanceKM(t *testing.T) {
	tests := []struct {
		name string
		a, b orb.Point
		want float64 // km
		tol  float64
	}{
		{"same point", orb.Point{35.27, 51.19}, orb.Point{35.27, 51.19}, 0, 1e-9},
		{"one degree of latitude", orb.Point{0, 0}, orb.Point{0, 1}, 111.195, 0.01},
		{"Sudzha to Kursk", orb.Point{35.27056, 51.19139}, orb.Point{36.18735, 51.73733}, 87.86, 0.1}, // equirectangular check: hypot(60.7, 63.5)
		{"antipodes", orb.Point{0, 0}, orb.Point{180, 0}, math.Pi * EarthRadiusKM, 0.01},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DistanceKM(tt.a, tt.b); math.Abs(got-tt.want) > tt.tol {
				t.Errorf("DistanceKM(%v, %v) = %v, want %v ± %v", tt.a, tt.b, got, tt.want, tt.tol)
			}
		})
	}
}

func TestBoundAroundContainsCircle(t *testing.T) {
	p := orb.Point{35.4, 50.9}
	b := BoundAround(p, 10)
	for _, q := range []orb.Point{{35.4, 50.99}, {35.54, 50.9}, {35.26, 50.9}, {35.4, 50.81}} {
		if DistanceKM(p, q) <= 10 && !b.Contains(q) {
			t.Errorf("BoundAround(%v, 10) = %v, misses %v at %.2f km", p, b, q, DistanceKM(p, q))
		}
	}
	if b.Contains(orb.Point{35.4, 51.1}) {
		t.Errorf("BoundAround(%v, 10) = %v, contains a point 22 km north", p, b)
	}
}

func TestGPKGPointRoundTrip(t *testing.T) {
	for _, p := range []orb.Point{{35.41417, 50.87639}, {-180, -90}, {180, 90}, {0, 0}} {
		blob := EncodeGPKGPoint(p)
		got, err := DecodeGPKGPoint(blob)
		if err != nil || got != p {
			t.Errorf("DecodeGPKGPoint(EncodeGPKGPoint(%v)) = %v, %v", p, got, err)
		}
		b, empty, err := GPKGEnvelope(blob)
		if err != nil || empty || b != p.Bound() {
			t.Errorf("GPKGEnvelope(%v) = %v, %v, %v", p, b, empty, err)
		}
	}
}

func TestGPKGBadBlobs(t *testing.T) {
	for name, blob := range map[string][]byte{
		"nil":        nil,
		"no magic":   []byte("XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
		"short":      []byte("GP\x00\x01\xe6\x10\x00\x00\x01"),
		"bad envind": append([]byte("GP\x00\x0f\xe6\x10\x00\x00"), make([]byte, 80)...),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := DecodeGPKGPoint(blob); !errors.Is(err, ErrGPKGGeometry) {
				t.Errorf("DecodeGPKGPoint(%q) error = %v, want ErrGPKGGeometry", blob, err)
			}
		})
	}
}

func TestGeomConversion(t *testing.T) {
	p := orb.Point{35.27056, 51.19139}
	if got := FromGeomPoint(ToGeomPoint(p)); got != p {
		t.Errorf("FromGeomPoint(ToGeomPoint(%v)) = %v", p, got)
	}
	if srid := ToGeomPoint(p).SRID(); srid != SRSWGS84 {
		t.Errorf("ToGeomPoint SRID = %d, want 4326", srid)
	}
}

func FuzzGPKGEnvelope(f *testing.F) {
	f.Add(EncodeGPKGPoint(orb.Point{35, 50}))
	f.Add([]byte("GP\x00\x01\xe6\x10\x00\x00"))
	f.Fuzz(func(t *testing.T, blob []byte) {
		_, _, _ = GPKGEnvelope(blob)
		_, _ = DecodeGPKGPoint(blob)
	})
}
