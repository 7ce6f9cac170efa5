package geo

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// ErrGPKGGeometry is returned for a blob that is not a GeoPackage point geometry tiled can read.
var ErrGPKGGeometry = errors.New("geo: bad GeoPackage geometry")

// SRSWGS84 is the spatial reference id of WGS 84 longitude/latitude (EPSG:4326).
const SRSWGS84 = 4326

// EncodeGPKGPoint encodes p as a GeoPackage binary geometry (GeoPackage 1.3, clause 2.1.3): the "GP" header,
// version 0, little-endian, an envelope [minx, maxx, miny, maxy], srs_id 4326, then the ISO WKB point.
func EncodeGPKGPoint(p orb.Point) []byte {
	b := make([]byte, 8+32+21)
	b[0], b[1] = 'G', 'P'
	b[2] = 0           // version 1 of the binary format
	b[3] = 0x01 | 1<<1 // little-endian, envelope [minx,maxx,miny,maxy]
	binary.LittleEndian.PutUint32(b[4:], SRSWGS84)
	for i, v := range []float64{p.X(), p.X(), p.Y(), p.Y()} {
		binary.LittleEndian.PutUint64(b[8+8*i:], math.Float64bits(v))
	}
	w := b[40:]
	w[0] = 1 // little-endian WKB
	binary.LittleEndian.PutUint32(w[1:], 1)
	binary.LittleEndian.PutUint64(w[5:], math.Float64bits(p.X()))
	binary.LittleEndian.PutUint64(w[13:], math.Float64bits(p.Y()))
	return b
}

// GPKGEnvelope reads a GeoPackage binary geometry's bounds. It handles every header flag combination and, where the
// header has no envelope, reads a WKB point; empty reports the empty-geometry flag.
func GPKGEnvelope(blob []byte) (b orb.Bound, empty bool, err error) {
	if len(blob) < 8 || blob[0] != 'G' || blob[1] != 'P' {
		return b, false, fmt.Errorf("%w: no GP header", ErrGPKGGeometry)
	}
	flags := blob[3]
	var order binary.ByteOrder = binary.BigEndian
	if flags&1 == 1 {
		order = binary.LittleEndian
	}
	empty = flags&(1<<4) != 0
	envLen := map[byte]int{0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags>>1)&7]
	if envLen == 0 && (flags>>1)&7 != 0 {
		return b, empty, fmt.Errorf("%w: envelope indicator %d", ErrGPKGGeometry, (flags>>1)&7)
	}
	if len(blob) < 8+envLen {
		return b, empty, fmt.Errorf("%w: short envelope", ErrGPKGGeometry)
	}
	if envLen > 0 {
		f := func(i int) float64 { return math.Float64frombits(order.Uint64(blob[8+8*i:])) }
		return orb.Bound{Min: orb.Point{f(0), f(2)}, Max: orb.Point{f(1), f(3)}}, empty, nil
	}
	if empty {
		return b, true, nil
	}
	p, err := DecodeGPKGPoint(blob)
	if err != nil {
		return b, false, err
	}
	return p.Bound(), false, nil
}

// DecodeGPKGPoint reads the point of a GeoPackage binary geometry holding a WKB point.
func DecodeGPKGPoint(blob []byte) (orb.Point, error) {
	if len(blob) < 8 || blob[0] != 'G' || blob[1] != 'P' {
		return orb.Point{}, fmt.Errorf("%w: no GP header", ErrGPKGGeometry)
	}
	envLen := map[byte]int{0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3]>>1)&7]
	w := blob[min(len(blob), 8+envLen):]
	if len(w) < 21 {
		return orb.Point{}, fmt.Errorf("%w: short WKB", ErrGPKGGeometry)
	}
	var order binary.ByteOrder = binary.BigEndian
	if w[0] == 1 {
		order = binary.LittleEndian
	}
	if t := order.Uint32(w[1:]); t != 1 {
		return orb.Point{}, fmt.Errorf("%w: WKB type %d is not a point", ErrGPKGGeometry, t)
	}
	return orb.Point{math.Float64frombits(order.Uint64(w[5:])), math.Float64frombits(order.Uint64(w[13:]))}, nil
}
