package tiles

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb/maptile"
)

// MaxZoomLimit is the highest zoom the package supports: 2^30 tiles a side still fit maptile's uint32 x and y, and
// pixel coordinates at an extent of 4096 stay exact in a float64.
const MaxZoomLimit = 30

// TileSuffix is the only file suffix ParsePath accepts on y. One suffix keeps one URL per tile, so browser and
// proxy caches are not split; the URL templates in the TileJSON use it.
const TileSuffix = ".mvt"

// ParsePath parses the z, x and y parts of a tile path such as /9/309/171.mvt, where yWithSuffix is "171.mvt".
//
// It is strict so that each tile has exactly one path: every part is a decimal integer of ASCII digits with no
// sign, space, exponent or leading zero ("0" itself is fine); z is in 0..maxZoom (maxZoom is capped at
// MaxZoomLimit); x and y are in 0..2^z-1; y carries the suffix TileSuffix (".mvt") exactly — ".pbf" and a missing
// suffix are rejected. The error is a *PathError wrapping ErrBadPath.
func ParsePath(z, x, yWithSuffix string, maxZoom int) (maptile.Tile, error) {
	maxZoom = min(maxZoom, MaxZoomLimit)
	zv, msg := parseUint(z)
	if msg != "" {
		return maptile.Tile{}, &PathError{Part: "z", Value: z, Msg: msg}
	}
	if maxZoom < 0 {
		return maptile.Tile{}, &PathError{Part: "z", Value: z, Msg: "no zoom is served"}
	}
	if zv > uint64(maxZoom) {
		return maptile.Tile{}, &PathError{Part: "z", Value: z, Msg: fmt.Sprintf("must be in 0..%d", maxZoom)}
	}
	n := uint64(1) << zv

	xv, msg := parseUint(x)
	if msg == "" && xv >= n {
		msg = fmt.Sprintf("must be in 0..%d at zoom %d", n-1, zv)
	}
	if msg != "" {
		return maptile.Tile{}, &PathError{Part: "x", Value: x, Msg: msg}
	}

	y, ok := strings.CutSuffix(yWithSuffix, TileSuffix)
	if !ok {
		return maptile.Tile{}, &PathError{Part: "y", Value: yWithSuffix, Msg: fmt.Sprintf("suffix must be %q", TileSuffix)}
	}
	yv, msg := parseUint(y)
	if msg == "" && yv >= n {
		msg = fmt.Sprintf("must be in 0..%d at zoom %d", n-1, zv)
	}
	if msg != "" {
		return maptile.Tile{}, &PathError{Part: "y", Value: yWithSuffix, Msg: msg}
	}
	return maptile.New(uint32(xv), uint32(yv), maptile.Zoom(zv)), nil
}

// parseUint parses a canonical decimal integer: ASCII digits only, no leading zero. A value too large for any tile
// comes back as math.MaxUint64 so that the caller's range check rejects it. msg is "" on success.
func parseUint(s string) (v uint64, msg string) {
	if s == "" {
		return 0, "empty"
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, "not a decimal integer"
		}
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, "leading zero"
	}
	if len(s) > 10 { // more than any uint32
		return math.MaxUint64, ""
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil { // unreachable: at most 10 digits
		return 0, "not a decimal integer"
	}
	return v, ""
}

// tileString formats t as z/x/y for messages.
func tileString(t maptile.Tile) string {
	return fmt.Sprintf("%d/%d/%d", t.Z, t.X, t.Y)
}
