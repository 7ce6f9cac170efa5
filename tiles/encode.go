package tiles

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// pointLayer writes one Mapbox Vector Tile layer of point features (MVT 2.1, vector_tile.proto) straight into
// protobuf bytes. It writes what orb's mvt.Marshal writes for the same features, byte for byte (the test holds it
// to that): each feature's attributes in key order, keys and values numbered in order of first use, values
// deduplicated by type and value. It exists because orb's encoder builds a map of attributes per feature and a
// tree of protobuf structs per tile, which was half of a low-zoom tile's CPU.
type pointLayer struct {
	known    []string            // the attribute keys of the features read so far, sorted
	knownSet map[string]struct{} // the same as a set
	keys     []string
	keyIdx   map[string]uint32
	vals     [][]byte // each an encoded Value message
	valIdx   map[mvtVal]uint32
	feats    []byte // the encoded features, each with its field tag and length
	tags     []uint32
	attrs    []Attr
	scr      []byte
}

// Attr is one MVT attribute of a feature: a key and a string, integer, float or boolean value. Make it with
// StringAttr, IntAttr, FloatAttr or BoolAttr.
type Attr struct {
	key string
	val mvtVal
}

// StringAttr is the attribute key = v.
func StringAttr(key, v string) Attr { return Attr{key, mvtVal{field: 1, s: v}} }

// IntAttr is the attribute key = v, an integer (an MVT sint).
func IntAttr(key string, v int64) Attr { return Attr{key, newMVTVal(v)} }

// FloatAttr is the attribute key = v, a double.
func FloatAttr(key string, v float64) Attr { return Attr{key, newMVTVal(v)} }

// BoolAttr is the attribute key = v.
func BoolAttr(key string, v bool) Attr { return Attr{key, newMVTVal(v)} }

// Key returns the attribute's key.
func (a Attr) Key() string { return a.key }

// mvtVal is an attribute value as a map key: the Value field it is written to and its payload.
type mvtVal struct {
	field uint8  // 1 string, 3 double, 6 sint, 7 bool (the Value message's field numbers)
	s     string // for strings
	n     uint64 // the double's bits, the zigzagged sint, or 0/1
}

// Protobuf wire types (the low three bits of a field's key).
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
)

// newMVTVal converts v, one of the values mvtValue returns (string, bool, float64, int64), to an mvtVal.
func newMVTVal(v any) mvtVal {
	switch v := v.(type) {
	case string:
		return mvtVal{field: 1, s: v}
	case float64:
		return mvtVal{field: 3, n: math.Float64bits(v)}
	case int64:
		return mvtVal{field: 6, n: uint64(v<<1) ^ uint64(v>>63)}
	case bool:
		if v {
			return mvtVal{field: 7, n: 1}
		}
		return mvtVal{field: 7}
	}
	panic(fmt.Sprintf("tiles: %T is not an MVT value", v)) // mvtValue admits no other type
}

// newPointLayer returns an empty layer sized for about n features.
func newPointLayer(n int) *pointLayer {
	return &pointLayer{keyIdx: make(map[string]uint32, 32), valIdx: make(map[mvtVal]uint32, 4*n),
		knownSet: make(map[string]struct{}, 32), feats: make([]byte, 0, 48*n)}
}

// add encodes a point feature with id, the point in tile coordinates (truncated to integers, as orb does) and
// the attributes of attrs and more, each sorted by key, all keys distinct: they are written merged in key order (orb
// writes a feature's tags in key order).
func (l *pointLayer) add(id uint64, p orb.Point, attrs, more []Attr) {
	l.tags = l.tags[:0]
	for len(attrs) > 0 || len(more) > 0 {
		var a Attr
		if len(more) == 0 || len(attrs) > 0 && attrs[0].key < more[0].key {
			a, attrs = attrs[0], attrs[1:]
		} else {
			a, more = more[0], more[1:]
		}
		k, ok := l.keyIdx[a.key]
		if !ok {
			k = uint32(len(l.keys))
			l.keys = append(l.keys, a.key)
			l.keyIdx[a.key] = k
		}
		v, ok := l.valIdx[a.val]
		if !ok {
			v = uint32(len(l.vals))
			l.vals = append(l.vals, encodeValue(a.val))
			l.valIdx[a.val] = v
		}
		l.tags = append(l.tags, k, v)
	}
	// The feature: id (1), tags (2, packed), type (3) = POINT, geometry (4, packed) = MoveTo(1), dx, dy.
	f := l.scr[:0]
	f = append(f, 1<<3|wireVarint)
	f = binary.AppendUvarint(f, id)
	if len(l.tags) > 0 {
		n := 0
		for _, t := range l.tags {
			n += uvarintLen(uint64(t))
		}
		f = append(f, 2<<3|wireBytes)
		f = binary.AppendUvarint(f, uint64(n))
		for _, t := range l.tags {
			f = binary.AppendUvarint(f, uint64(t))
		}
	}
	f = append(f, 3<<3|wireVarint, 1)
	x, y := int32(p[0]), int32(p[1])
	zx, zy := uint32((x<<1)^(x>>31)), uint32((y<<1)^(y>>31))
	f = append(f, 4<<3|wireBytes)
	f = binary.AppendUvarint(f, uint64(1+uvarintLen(uint64(zx))+uvarintLen(uint64(zy))))
	f = append(f, 1<<3|1) // the command MoveTo (1) with a count of 1
	f = binary.AppendUvarint(f, uint64(zx))
	f = binary.AppendUvarint(f, uint64(zy))
	l.feats = append(l.feats, 2<<3|wireBytes)
	l.feats = binary.AppendUvarint(l.feats, uint64(len(f)))
	l.feats = append(l.feats, f...)
	l.scr = f
}

// appendTo appends the layer, as a Tile's layers field (3), to dst: name (1), features (2), keys (3), values (4),
// extent (5), version (15), the order orb's generated marshaller writes them in.
func (l *pointLayer) appendTo(dst []byte, name string, extent, version uint32) []byte {
	n := 1 + uvarintLen(uint64(len(name))) + len(name) + len(l.feats)
	for _, k := range l.keys {
		n += 1 + uvarintLen(uint64(len(k))) + len(k)
	}
	for _, v := range l.vals {
		n += 1 + uvarintLen(uint64(len(v))) + len(v)
	}
	n += 1 + uvarintLen(uint64(extent)) + 1 + uvarintLen(uint64(version))
	dst = slices.Grow(dst, n+1+uvarintLen(uint64(n)))
	dst = append(dst, 3<<3|wireBytes)
	dst = binary.AppendUvarint(dst, uint64(n))
	dst = appendBytesField(dst, 1, name)
	dst = append(dst, l.feats...)
	for _, k := range l.keys {
		dst = appendBytesField(dst, 3, k)
	}
	for _, v := range l.vals {
		dst = appendBytesField(dst, 4, string(v))
	}
	dst = append(dst, 5<<3|wireVarint)
	dst = binary.AppendUvarint(dst, uint64(extent))
	dst = append(dst, 15<<3|wireVarint)
	return binary.AppendUvarint(dst, uint64(version))
}

// encodeValue returns the Value message holding v.
func encodeValue(v mvtVal) []byte {
	switch v.field {
	case 1:
		return appendBytesField(nil, 1, v.s)
	case 3:
		return binary.LittleEndian.AppendUint64([]byte{3<<3 | wireFixed64}, v.n)
	default: // sint, bool: varints
		return binary.AppendUvarint([]byte{v.field << 3}, v.n)
	}
}

// appendBytesField appends field number f of wire type 2 (length-delimited) holding s.
func appendBytesField(dst []byte, f byte, s string) []byte {
	dst = append(dst, f<<3|wireBytes)
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// uvarintLen is the length of x as a protobuf varint.
func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}
