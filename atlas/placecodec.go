package atlas

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/paulmach/orb"
)

// PlaceIndexStore is what a PlaceStore may also offer: a place to keep the atlas's in-memory place index in its
// compact form, so that a server starts by reading one value instead of scanning every place. The stored form is
// a cache: the atlas rebuilds it from the places whenever it is missing, of another version or unreadable.
type PlaceIndexStore interface {
	// ReadPlaceIndex calls read with the stored form for places version v and its length in bytes; found is
	// false, and read is not called, when none is stored for v.
	ReadPlaceIndex(ctx context.Context, v int64, read func(r io.Reader, size int64) error) (found bool, err error)
	// SavePlaceIndex stores what write writes as the form for places version v, replacing any other.
	SavePlaceIndex(ctx context.Context, v int64, write func(w io.Writer) error) error
}

// placeIndexMagic starts the compact form; the digit is its format version.
const placeIndexMagic = "tiled-places-2\n"

var errPlaceCodec = errors.New("atlas: stored place index unreadable")

const recBytes = 8 + 8 + 8 + 4 + 4 + 4 + 4 + 4 + 4 + 1

// writeTo writes the compact form of ix: its records, arena, shared strings and k-d tree, little-endian.
func (ix *placeIndex) writeTo(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	le := binary.LittleEndian
	var b []byte
	flush := func() {
		if len(b) >= 1<<15 {
			bw.Write(b) //nolint:errcheck // bufio keeps the first error for Flush
			b = b[:0]
		}
	}
	b = append(b, placeIndexMagic...)
	for _, v := range []uint64{uint64(ix.version), uint64(len(ix.recs)), uint64(len(ix.arena)), uint64(len(ix.shared)),
		uint64(len(ix.kd.nodes))} {
		b = le.AppendUint64(b, v)
	}
	for _, r := range ix.recs {
		b = le.AppendUint64(b, math.Float64bits(r.pt[0]))
		b = le.AppendUint64(b, math.Float64bits(r.pt[1]))
		b = le.AppendUint64(b, uint64(r.pop))
		b = le.AppendUint32(b, math.Float32bits(r.prec))
		b = le.AppendUint32(b, r.str)
		b = le.AppendUint32(b, r.admin1)
		b = le.AppendUint32(b, r.admin2)
		b = le.AppendUint32(b, r.country)
		b = le.AppendUint32(b, r.code)
		if r.approx {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
		flush()
	}
	bw.Write(b)              //nolint:errcheck // see flush
	bw.WriteString(ix.arena) //nolint:errcheck // see flush
	b = b[:0]
	for _, s := range ix.shared {
		b = le.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
		flush()
	}
	for _, p := range ix.kd.perm {
		b = le.AppendUint32(b, uint32(p))
		flush()
	}
	for _, nd := range ix.kd.nodes {
		for _, f := range [4]float64{nd.b.Min[0], nd.b.Min[1], nd.b.Max[0], nd.b.Max[1]} {
			b = le.AppendUint64(b, math.Float64bits(f))
		}
		for _, v := range [6]int32{nd.lo, nd.hi, nd.left, nd.right, nd.best, int32(len(nd.top))} {
			b = le.AppendUint32(b, uint32(v))
		}
		for _, v := range nd.top {
			b = le.AppendUint32(b, uint32(v))
			flush()
		}
		flush()
	}
	bw.Write(b) //nolint:errcheck // see Flush
	return bw.Flush()
}

// decoder reads the compact form, remembering the first error.
type decoder struct {
	r   *bufio.Reader
	err error
	buf []byte
}

// take returns the next n bytes, valid until the next call.
func (d *decoder) take(n int) []byte {
	if cap(d.buf) < n {
		d.buf = make([]byte, n)
	}
	b := d.buf[:n]
	if d.err != nil {
		clear(b)
		return b
	}
	if _, err := io.ReadFull(d.r, b); err != nil {
		d.err = errPlaceCodec
		clear(b)
	}
	return b
}

func (d *decoder) u64() uint64 { return binary.LittleEndian.Uint64(d.take(8)) }
func (d *decoder) u32() uint32 { return binary.LittleEndian.Uint32(d.take(4)) }

// str reads an n-byte string; n was checked against the remaining size by the caller.
func (d *decoder) str(n int) string {
	var sb strings.Builder
	sb.Grow(n)
	if d.err == nil {
		if m, err := io.CopyN(&sb, d.r, int64(n)); err != nil || m != int64(n) {
			d.err = errPlaceCodec
		}
	}
	return sb.String()
}

// decodePlaceIndex reads what encode wrote, checking every count and reference against the data's size, so that a
// damaged value is an error and never an index that panics later.
func decodePlaceIndex(r io.Reader, size int64) (*placeIndex, error) {
	d := &decoder{r: bufio.NewReaderSize(r, 1<<16)}
	if string(d.take(len(placeIndexMagic))) != placeIndexMagic {
		return nil, fmt.Errorf("%w: unknown format", errPlaceCodec)
	}
	version := int64(d.u64())
	n, arenaLen, sharedLen, nodes := d.u64(), d.u64(), d.u64(), d.u64()
	rest := uint64(max(size, 0))
	if d.err != nil || n > rest/recBytes || arenaLen > rest || sharedLen > rest/4 || nodes > rest/56 || n > math.MaxInt32 {
		return nil, fmt.Errorf("%w: counts", errPlaceCodec)
	}
	ix := &placeIndex{version: version, recs: make([]placeRec, n)}
	for i := range ix.recs {
		r := &ix.recs[i]
		r.pt = orb.Point{math.Float64frombits(d.u64()), math.Float64frombits(d.u64())}
		r.pop = int64(d.u64())
		r.prec = math.Float32frombits(d.u32())
		r.str, r.admin1, r.admin2, r.country, r.code = d.u32(), d.u32(), d.u32(), d.u32(), d.u32()
		r.approx = d.take(1)[0] == 1
	}
	ix.arena = d.str(int(arenaLen))
	ix.shared = make([]string, sharedLen)
	for i := range ix.shared {
		n := d.u32()
		if uint64(n) > rest {
			return nil, fmt.Errorf("%w: shared strings", errPlaceCodec)
		}
		ix.shared[i] = d.str(int(n))
	}
	for i := range ix.recs {
		r := &ix.recs[i]
		if uint64(r.str) >= arenaLen && n > 0 || max(r.admin1, r.admin2, r.country, r.code) >= uint32(sharedLen) {
			return nil, fmt.Errorf("%w: record %d", errPlaceCodec, i)
		}
		if i > 0 && r.str <= ix.recs[i-1].str {
			return nil, fmt.Errorf("%w: record %d", errPlaceCodec, i)
		}
	}
	if err := ix.checkArena(); err != nil {
		return nil, err
	}
	kd := kdTree{perm: make([]int32, n), pop: make([]int64, n), nodes: make([]kdNode, nodes)}
	for i := range kd.perm {
		kd.perm[i] = int32(d.u32())
		if uint64(kd.perm[i]) >= n {
			return nil, fmt.Errorf("%w: permutation", errPlaceCodec)
		}
		kd.pop[i] = ix.recs[i].pop
	}
	for k := range kd.nodes {
		nd := &kd.nodes[k]
		nd.b = orb.Bound{Min: orb.Point{math.Float64frombits(d.u64()), math.Float64frombits(d.u64())},
			Max: orb.Point{math.Float64frombits(d.u64()), math.Float64frombits(d.u64())}}
		var v [6]int32
		for j := range v {
			v[j] = int32(d.u32())
		}
		nd.lo, nd.hi, nd.left, nd.right, nd.best = v[0], v[1], v[2], v[3], v[4]
		if v[5] < 0 || uint64(v[5]) > rest/4 {
			return nil, fmt.Errorf("%w: node %d", errPlaceCodec, k)
		}
		if v[5] > 0 {
			nd.top = make([]int32, v[5])
			for j := range nd.top {
				nd.top[j] = int32(d.u32())
				if uint64(nd.top[j]) >= n {
					return nil, fmt.Errorf("%w: node %d", errPlaceCodec, k)
				}
			}
		}
		if nd.lo < 0 || nd.lo >= nd.hi || uint64(nd.hi) > n || uint64(nd.best) >= n ||
			nd.left >= int32(nodes) || nd.right >= int32(nodes) || (nd.left < 0) != (nd.right < 0) ||
			(nd.left >= 0 && (nd.left <= int32(k) || nd.right <= int32(k))) {
			return nil, fmt.Errorf("%w: node %d", errPlaceCodec, k)
		}
	}
	if _, err := d.r.ReadByte(); err != io.EOF || d.err != nil || (n > 0) != (nodes > 0) {
		return nil, fmt.Errorf("%w: length", errPlaceCodec)
	}
	ix.kd = kd
	for i, r := range ix.recs {
		if i == 0 {
			ix.bound = r.pt.Bound()
		} else {
			ix.bound = ix.bound.Extend(r.pt)
		}
	}
	return ix, nil
}

// checkArena checks that every record's strings lie inside the arena.
func (ix *placeIndex) checkArena() error {
	for i, r := range ix.recs {
		off := int(r.str)
		for range 4 {
			var n uint64
			var w int
			for shift := 0; ; shift += 7 {
				if off+w >= len(ix.arena) || shift > 63 {
					return fmt.Errorf("%w: strings of record %d", errPlaceCodec, i)
				}
				c := ix.arena[off+w]
				w++
				n |= uint64(c&0x7f) << shift
				if c < 0x80 {
					break
				}
			}
			off += w
			if n > uint64(len(ix.arena)-off) {
				return fmt.Errorf("%w: strings of record %d", errPlaceCodec, i)
			}
			off += int(n)
		}
	}
	return nil
}
