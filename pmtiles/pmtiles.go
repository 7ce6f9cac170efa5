package pmtiles

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// HeaderLen is the length of a version 3 header.
const HeaderLen = 127

// rootMax bounds the header and the root directory together: a client reads them in its first 16 KiB request.
const rootMax = 16384

// Compression values of the header.
const (
	compressionNone = 1
	compressionGzip = 2
)

// TileType values of the header.
const (
	// TypeMVT is Mapbox Vector Tiles.
	TypeMVT = 1
)

// ErrFormat is returned for a file that is not a PMTiles v3 archive this package can read.
var ErrFormat = errors.New("pmtiles: not a PMTiles v3 archive")

// Header is the archive's header.
type Header struct {
	RootOffset, RootLength, MetadataOffset, MetadataLength           uint64
	LeafOffset, LeafLength, TileDataOffset, TileDataLength           uint64
	AddressedTiles, TileEntries, TileContents                        uint64
	Clustered                                                        bool
	InternalCompression, TileCompression, TileType                   uint8
	MinZoom, MaxZoom, CenterZoom                                     uint8
	MinLonE7, MinLatE7, MaxLonE7, MaxLatE7, CenterLonE7, CenterLatE7 int32
}

func (h Header) bytes() []byte {
	b := make([]byte, HeaderLen)
	copy(b, "PMTiles")
	b[7] = 3
	le := binary.LittleEndian
	for i, v := range []uint64{h.RootOffset, h.RootLength, h.MetadataOffset, h.MetadataLength, h.LeafOffset, h.LeafLength,
		h.TileDataOffset, h.TileDataLength, h.AddressedTiles, h.TileEntries, h.TileContents} {
		le.PutUint64(b[8+8*i:], v)
	}
	if h.Clustered {
		b[96] = 1
	}
	b[97], b[98], b[99], b[100], b[101] = h.InternalCompression, h.TileCompression, h.TileType, h.MinZoom, h.MaxZoom
	for i, v := range []int32{h.MinLonE7, h.MinLatE7, h.MaxLonE7, h.MaxLatE7} {
		le.PutUint32(b[102+4*i:], uint32(v))
	}
	b[118] = h.CenterZoom
	le.PutUint32(b[119:], uint32(h.CenterLonE7))
	le.PutUint32(b[123:], uint32(h.CenterLatE7))
	return b
}

func parseHeader(b []byte) (Header, error) {
	var h Header
	if len(b) < HeaderLen || string(b[:7]) != "PMTiles" || b[7] != 3 {
		return h, ErrFormat
	}
	le := binary.LittleEndian
	for i, p := range []*uint64{&h.RootOffset, &h.RootLength, &h.MetadataOffset, &h.MetadataLength, &h.LeafOffset, &h.LeafLength,
		&h.TileDataOffset, &h.TileDataLength, &h.AddressedTiles, &h.TileEntries, &h.TileContents} {
		*p = le.Uint64(b[8+8*i:])
	}
	h.Clustered = b[96] == 1
	h.InternalCompression, h.TileCompression, h.TileType, h.MinZoom, h.MaxZoom = b[97], b[98], b[99], b[100], b[101]
	for i, p := range []*int32{&h.MinLonE7, &h.MinLatE7, &h.MaxLonE7, &h.MaxLatE7} {
		*p = int32(le.Uint32(b[102+4*i:]))
	}
	h.CenterZoom = b[118]
	h.CenterLonE7, h.CenterLatE7 = int32(le.Uint32(b[119:])), int32(le.Uint32(b[123:]))
	return h, nil
}

// TileID returns the Hilbert tile id of z/x/y: the tiles of lower zooms first, then the position along the
// Hilbert curve over the 2^z × 2^z grid.
func TileID(z uint8, x, y uint32) uint64 {
	id := (uint64(1)<<(2*uint64(z)) - 1) / 3
	tx, ty := uint64(x), uint64(y)
	for s := uint64(1) << z >> 1; s > 0; s >>= 1 {
		var rx, ry uint64
		if tx&s != 0 {
			rx = 1
		}
		if ty&s != 0 {
			ry = 1
		}
		id += s * s * ((3 * rx) ^ ry)
		if ry == 0 { // rotate the quadrant
			if rx == 1 {
				tx, ty = s-1-tx%s, s-1-ty%s
			}
			tx, ty = ty%s, tx%s
		}
	}
	return id
}

// entry is a directory entry: a run of RunLength tiles from TileID sharing the bytes at Offset, or (RunLength 0)
// a leaf directory.
type entry struct {
	TileID, Offset    uint64
	Length, RunLength uint32
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b) //nolint:errcheck // a bytes.Buffer does not fail
	w.Close()
	return buf.Bytes()
}

// serialize encodes a directory: count, tile-id deltas, run lengths, lengths, offsets (0 for "right after the
// previous entry", else offset+1), gzipped.
func serialize(es []entry) []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(es)))
	last := uint64(0)
	for _, e := range es {
		b = binary.AppendUvarint(b, e.TileID-last)
		last = e.TileID
	}
	for _, e := range es {
		b = binary.AppendUvarint(b, uint64(e.RunLength))
	}
	for _, e := range es {
		b = binary.AppendUvarint(b, uint64(e.Length))
	}
	for i, e := range es {
		if i > 0 && e.Offset == es[i-1].Offset+uint64(es[i-1].Length) {
			b = binary.AppendUvarint(b, 0)
		} else {
			b = binary.AppendUvarint(b, e.Offset+1)
		}
	}
	return gzipBytes(b)
}

// directories builds the root directory and the leaf directories (concatenated) of entries: one root when it
// fits in the first 16 KiB with the header, else leaves of leafSize entries (grown until the root of pointers to
// them fits).
func directories(es []entry) (root, leaves []byte) {
	root = serialize(es)
	if HeaderLen+len(root) <= rootMax {
		return root, nil
	}
	for leafSize := 4096; ; leafSize += leafSize / 5 {
		var ptrs []entry
		leaves = leaves[:0]
		for i := 0; i < len(es); i += leafSize {
			leaf := serialize(es[i:min(i+leafSize, len(es))])
			ptrs = append(ptrs, entry{TileID: es[i].TileID, Offset: uint64(len(leaves)), Length: uint32(len(leaf))})
			leaves = append(leaves, leaf...)
		}
		root = serialize(ptrs)
		if HeaderLen+len(root) <= rootMax {
			return root, leaves
		}
	}
}

// Metadata is the archive's JSON metadata (with vector_layers for vector tiles) and the header's bounds.
type Metadata struct {
	// JSON is the metadata object, e.g. name, attribution, vector_layers.
	JSON map[string]any
	// Bounds are minLon, minLat, maxLon, maxLat.
	Bounds [4]float64
	// Center is lon, lat, zoom.
	Center [3]float64
	// MinZoom and MaxZoom are the zooms the archive holds.
	MinZoom, MaxZoom uint8
}

// Writer writes one archive of gzipped MVT tiles. Tiles may come in any order; Commit sorts them by tile id,
// stores identical tiles once and consecutive identical tiles as one run, and renames the finished file into place.
// It is not safe for concurrent use.
type Writer struct {
	path  string
	data  *os.File // the tiles as they came
	off   uint64
	tiles []pending
}

type pending struct {
	id     uint64
	offset uint64
	length uint32
}

// Create starts an archive that Commit will place at path.
func Create(path string) (*Writer, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tiles")
	if err != nil {
		return nil, fmt.Errorf("pmtiles: %w", err)
	}
	return &Writer{path: path, data: f}, nil
}

// Put stores the tile z/x/y (XYZ scheme) with data as served: a gzipped MVT.
func (w *Writer) Put(z uint8, x, y uint32, data []byte) error {
	if z > 31 || uint64(x) >= 1<<z || uint64(y) >= 1<<z {
		return fmt.Errorf("pmtiles: tile %d/%d/%d out of range", z, x, y)
	}
	if _, err := w.data.Write(data); err != nil {
		return fmt.Errorf("pmtiles: %w", err)
	}
	w.tiles = append(w.tiles, pending{id: TileID(z, x, y), offset: w.off, length: uint32(len(data))})
	w.off += uint64(len(data))
	return nil
}

// Len returns the number of tiles put.
func (w *Writer) Len() int { return len(w.tiles) }

// Abort discards the archive; the destination is left as it was.
func (w *Writer) Abort() {
	if w.data != nil {
		w.data.Close()
		os.Remove(w.data.Name())
		w.data = nil
	}
}

// Commit writes the archive: header, root directory, metadata, leaf directories, then the tile data in tile-id
// order (clustered), and renames it to the path given to Create.
func (w *Writer) Commit(m Metadata) (err error) {
	defer w.Abort()
	sort.Slice(w.tiles, func(i, j int) bool { return w.tiles[i].id < w.tiles[j].id })
	for i := 1; i < len(w.tiles); i++ {
		if w.tiles[i].id == w.tiles[i-1].id {
			return fmt.Errorf("pmtiles: tile id %d put twice", w.tiles[i].id)
		}
	}
	out, err := os.CreateTemp(filepath.Dir(w.path), "."+filepath.Base(w.path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("pmtiles: %w", err)
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	// Tile data: identical contents stored once (by SHA-256), a tile equal to the previous id's extends its run.
	tileData, err := os.CreateTemp(filepath.Dir(w.path), "."+filepath.Base(w.path)+".*.data")
	if err != nil {
		return fmt.Errorf("pmtiles: %w", err)
	}
	defer func() {
		tileData.Close()
		os.Remove(tileData.Name())
	}()
	var (
		es       []entry
		seen     = map[[32]byte]entry{}
		buf      []byte
		dataLen  uint64
		contents uint64
	)
	for _, t := range w.tiles {
		buf = append(buf[:0], make([]byte, t.length)...)
		if _, err := w.data.ReadAt(buf, int64(t.offset)); err != nil {
			return fmt.Errorf("pmtiles: %w", err)
		}
		sum := sha256.Sum256(buf)
		prev, dup := seen[sum]
		if n := len(es); dup && n > 0 && es[n-1].Offset == prev.Offset && es[n-1].TileID+uint64(es[n-1].RunLength) == t.id {
			es[n-1].RunLength++
			continue
		}
		if !dup {
			prev = entry{Offset: dataLen, Length: t.length}
			if _, err := tileData.Write(buf); err != nil {
				return fmt.Errorf("pmtiles: %w", err)
			}
			dataLen += uint64(t.length)
			contents++
			seen[sum] = prev
		}
		es = append(es, entry{TileID: t.id, Offset: prev.Offset, Length: t.length, RunLength: 1})
	}
	root, leaves := directories(es)
	meta, err := json.Marshal(m.JSON)
	if err != nil {
		return fmt.Errorf("pmtiles: metadata: %w", err)
	}
	meta = gzipBytes(meta)
	e7 := func(v float64) int32 { return int32(v * 1e7) }
	h := Header{RootOffset: HeaderLen, RootLength: uint64(len(root)),
		MetadataOffset: HeaderLen + uint64(len(root)), MetadataLength: uint64(len(meta)),
		AddressedTiles: uint64(len(w.tiles)), TileEntries: uint64(len(es)), TileContents: contents,
		Clustered: true, InternalCompression: compressionGzip, TileCompression: compressionGzip, TileType: TypeMVT,
		MinZoom: m.MinZoom, MaxZoom: m.MaxZoom, MinLonE7: e7(m.Bounds[0]), MinLatE7: e7(m.Bounds[1]),
		MaxLonE7: e7(m.Bounds[2]), MaxLatE7: e7(m.Bounds[3]), CenterLonE7: e7(m.Center[0]), CenterLatE7: e7(m.Center[1]),
		CenterZoom: min(max(uint8(m.Center[2]), m.MinZoom), m.MaxZoom)} // readers check it lies in the zoom range
	h.LeafOffset = h.MetadataOffset + h.MetadataLength
	h.LeafLength = uint64(len(leaves))
	h.TileDataOffset = h.LeafOffset + h.LeafLength
	h.TileDataLength = dataLen
	for _, b := range [][]byte{h.bytes(), root, meta, leaves} {
		if _, err := out.Write(b); err != nil {
			return fmt.Errorf("pmtiles: %w", err)
		}
	}
	if _, err := tileData.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(out, tileData); err != nil {
		return fmt.Errorf("pmtiles: %w", err)
	}
	if err := out.Sync(); err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(out.Name(), w.path)
}
