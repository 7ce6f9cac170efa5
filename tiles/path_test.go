package tiles_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/tiles"
)

func TestParsePath(t *testing.T) {
	good := []struct {
		name    string
		z, x, y string
		max     int
		want    maptile.Tile
	}{
		{"world", "0", "0", "0.mvt", 14, maptile.New(0, 0, 0)},
		{"belt z9", "9", "306", "171.mvt", 14, maptile.New(306, 171, 9)},
		{"last tile at max zoom", "14", "16383", "16383.mvt", 14, maptile.New(16383, 16383, 14)},
		{"max zoom capped at the limit", "30", "1073741823", "0.mvt", 99, maptile.New(1<<30-1, 0, 30)},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tiles.ParsePath(tt.z, tt.x, tt.y, tt.max)
			if err != nil || got != tt.want {
				t.Errorf("ParsePath(%q, %q, %q, %d) = %v, %v, want %v", tt.z, tt.x, tt.y, tt.max, got, err, tt.want)
			}
		})
	}

	bad := []struct {
		name    string
		z, x, y string
		max     int
		part    string
	}{
		{"z above max", "15", "0", "0.mvt", 14, "z"},
		{"z above the limit", "31", "0", "0.mvt", 99, "z"},
		{"no zoom served", "0", "0", "0.mvt", -1, "z"},
		{"z negative", "-1", "0", "0.mvt", 14, "z"},
		{"z plus", "+1", "0", "0.mvt", 14, "z"},
		{"z leading space", " 1", "0", "0.mvt", 14, "z"},
		{"z trailing space", "1 ", "0", "0.mvt", 14, "z"},
		{"z exponent", "1e3", "0", "0.mvt", 14, "z"},
		{"z hex", "0x1", "0", "0.mvt", 14, "z"},
		{"z decimal point", "1.0", "0", "0.mvt", 14, "z"},
		{"z empty", "", "0", "0.mvt", 14, "z"},
		{"z leading zero", "01", "0", "0.mvt", 14, "z"},
		{"z overflow", "99999999999999999999", "0", "0.mvt", 14, "z"},
		{"z non-ASCII digit", "٣", "0", "0.mvt", 14, "z"},
		{"x = 2^z", "9", "512", "0.mvt", 14, "x"},
		{"x negative", "9", "-1", "0.mvt", 14, "x"},
		{"x non-numeric", "9", "abc", "0.mvt", 14, "x"},
		{"x exponent", "9", "1e3", "0.mvt", 14, "x"},
		{"x plus", "9", "+1", "0.mvt", 14, "x"},
		{"x space", "9", " 1", "0.mvt", 14, "x"},
		{"x overflow", "9", "99999999999999999999", "0.mvt", 14, "x"},
		{"x uint32 wrap", "9", "4294967296", "0.mvt", 14, "x"},
		{"x leading zero", "9", "0306", "0.mvt", 14, "x"},
		{"x at z0", "0", "1", "0.mvt", 14, "x"},
		{"y = 2^z", "9", "0", "512.mvt", 14, "y"},
		{"y negative", "9", "0", "-1.mvt", 14, "y"},
		{"y non-numeric", "9", "0", "abc.mvt", 14, "y"},
		{"y exponent", "9", "0", "1e3.mvt", 14, "y"},
		{"y plus", "9", "0", "+1.mvt", 14, "y"},
		{"y space", "9", "0", " 1.mvt", 14, "y"},
		{"y overflow", "9", "0", "99999999999999999999.mvt", 14, "y"},
		{"y no digits", "9", "0", ".mvt", 14, "y"},
		{"suffix missing", "9", "0", "171", 14, "y"},
		{"suffix pbf", "9", "0", "171.pbf", 14, "y"},
		{"suffix upper case", "9", "0", "171.MVT", 14, "y"},
		{"suffix png", "9", "0", "171.png", 14, "y"},
		{"suffix doubled", "9", "0", "171.mvt.mvt", 14, "y"},
		{"suffix with query", "9", "0", "171.mvt?v=1", 14, "y"},
		{"suffix trailing slash", "9", "0", "171.mvt/", 14, "y"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tiles.ParsePath(tt.z, tt.x, tt.y, tt.max)
			var pe *tiles.PathError
			if !errors.Is(err, tiles.ErrBadPath) || !errors.As(err, &pe) {
				t.Fatalf("ParsePath(%q, %q, %q, %d) = %v, %v, want a *PathError wrapping ErrBadPath", tt.z, tt.x, tt.y, tt.max, got, err)
			}
			if pe.Part != tt.part {
				t.Errorf("ParsePath(%q, %q, %q, %d) blames %s (%v), want %s", tt.z, tt.x, tt.y, tt.max, pe.Part, err, tt.part)
			}
			if !strings.HasPrefix(err.Error(), "tiles: bad tile path: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestPathErrorTruncates(t *testing.T) {
	_, err := tiles.ParsePath(strings.Repeat("9", 1000), "0", "0.mvt", 14)
	if err == nil || len(err.Error()) > 120 {
		t.Errorf("ParsePath(1000 digits) error = %q, want a short message", err)
	}
}

// FuzzParsePath checks that ParsePath accepts exactly the canonical paths of valid tiles.
func FuzzParsePath(f *testing.F) {
	for _, s := range [][3]string{{"9", "306", "171.mvt"}, {"0", "0", "0.mvt"}, {"1e3", "+1", " 1.pbf"}, {"14", "16384", "0.mvt"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, z, x, y string) {
		tile, err := tiles.ParsePath(z, x, y, 14)
		if err != nil {
			var pe *tiles.PathError
			if !errors.Is(err, tiles.ErrBadPath) || !errors.As(err, &pe) {
				t.Fatalf("ParsePath(%q, %q, %q) error %v is not a *PathError wrapping ErrBadPath", z, x, y, err)
			}
			return
		}
		if !tile.Valid() || tile.Z > 14 {
			t.Fatalf("ParsePath(%q, %q, %q) = %v, an invalid tile", z, x, y, tile)
		}
		// Accepted paths are canonical: formatting the tile gives them back.
		if z != strconv.Itoa(int(tile.Z)) || x != strconv.Itoa(int(tile.X)) || y != strconv.Itoa(int(tile.Y))+tiles.TileSuffix {
			t.Fatalf("ParsePath(%q, %q, %q) = %v, but that tile's path is %d/%d/%d.mvt", z, x, y, tile, tile.Z, tile.X, tile.Y)
		}
	})
}
