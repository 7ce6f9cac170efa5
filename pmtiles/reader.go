package pmtiles

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// Reader reads an archive through io.ReaderAt, as a client does with range requests.
type Reader struct {
	r io.ReaderAt
	// Header is the archive's header.
	Header Header
	root   []entry
}

// NewReader reads the header and root directory of the archive in r.
func NewReader(r io.ReaderAt) (*Reader, error) {
	b := make([]byte, HeaderLen)
	if _, err := r.ReadAt(b, 0); err != nil {
		return nil, fmt.Errorf("pmtiles: %w", err)
	}
	h, err := parseHeader(b)
	if err != nil {
		return nil, err
	}
	rd := &Reader{r: r, Header: h}
	rd.root, err = rd.directory(h.RootOffset, h.RootLength)
	return rd, err
}

func (rd *Reader) section(off, n uint64, gz bool) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rd.r.ReadAt(b, int64(off)); err != nil {
		return nil, fmt.Errorf("pmtiles: %w", err)
	}
	if !gz {
		return b, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return io.ReadAll(zr)
}

func (rd *Reader) directory(off, n uint64) ([]entry, error) {
	b, err := rd.section(off, n, rd.Header.InternalCompression == compressionGzip)
	if err != nil {
		return nil, err
	}
	br := bytes.NewReader(b)
	count, err := binary.ReadUvarint(br)
	if err != nil || count > uint64(len(b)) {
		return nil, fmt.Errorf("%w: bad directory", ErrFormat)
	}
	es := make([]entry, count)
	read := func() uint64 {
		v, e := binary.ReadUvarint(br)
		if e != nil {
			err = e
		}
		return v
	}
	last := uint64(0)
	for i := range es {
		last += read()
		es[i].TileID = last
	}
	for i := range es {
		es[i].RunLength = uint32(read())
	}
	for i := range es {
		es[i].Length = uint32(read())
	}
	for i := range es {
		v := read()
		if v == 0 && i > 0 {
			es[i].Offset = es[i-1].Offset + uint64(es[i-1].Length)
		} else {
			es[i].Offset = v - 1
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: bad directory: %v", ErrFormat, err)
	}
	return es, nil
}

// Metadata returns the archive's JSON metadata.
func (rd *Reader) Metadata() (map[string]any, error) {
	b, err := rd.section(rd.Header.MetadataOffset, rd.Header.MetadataLength, rd.Header.InternalCompression == compressionGzip)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

// Tile returns the stored bytes of z/x/y (gzipped MVT), or nil when the archive does not hold it.
func (rd *Reader) Tile(z uint8, x, y uint32) ([]byte, error) {
	id := TileID(z, x, y)
	dir := rd.root
	for depth := 0; depth < 4; depth++ {
		i := sort.Search(len(dir), func(i int) bool { return dir[i].TileID > id }) - 1
		if i < 0 {
			return nil, nil
		}
		e := dir[i]
		if e.RunLength == 0 { // a leaf directory
			leaf, err := rd.directory(rd.Header.LeafOffset+e.Offset, uint64(e.Length))
			if err != nil {
				return nil, err
			}
			dir = leaf
			continue
		}
		if id >= e.TileID+uint64(e.RunLength) {
			return nil, nil
		}
		return rd.section(rd.Header.TileDataOffset+e.Offset, uint64(e.Length), false)
	}
	return nil, fmt.Errorf("%w: directories nested too deep", ErrFormat)
}
