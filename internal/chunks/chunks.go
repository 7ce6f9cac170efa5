// Package chunks carries a large value through rows of at most Size bytes: the stores keep their compact indexes
// (the place index, the ledger index's snapshot) this way, so that neither writing nor reading one holds more than
// a chunk besides the value's own form.
package chunks

import (
	"bytes"
	"io"
)

// Size is the largest chunk a Writer hands to its flush function.
const Size = 1 << 20

// Writer cuts what is written to it into chunks of Size bytes (the last shorter) and hands each to flush.
type Writer struct {
	buf   bytes.Buffer
	flush func([]byte) error
}

// NewWriter returns a Writer that stores each chunk with flush; flush must not keep the slice.
func NewWriter(flush func([]byte) error) *Writer { return &Writer{flush: flush} }

// Write buffers p, flushing every full chunk.
func (w *Writer) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), Size-w.buf.Len())
		w.buf.Write(p[:k])
		p = p[k:]
		if w.buf.Len() == Size {
			if err := w.flush(w.buf.Bytes()); err != nil {
				return 0, err
			}
			w.buf.Reset()
		}
	}
	return n, nil
}

// Close flushes the last, partial chunk, if any.
func (w *Writer) Close() error {
	if w.buf.Len() == 0 {
		return nil
	}
	err := w.flush(w.buf.Bytes())
	w.buf.Reset()
	return err
}

// Reader reads chunks one after another as one stream.
type Reader struct {
	next func() ([]byte, error)
	cur  []byte
}

// NewReader returns a Reader of the chunks next returns in turn; next returns io.EOF after the last. A chunk need
// stay valid only until next is called again.
func NewReader(next func() ([]byte, error)) *Reader { return &Reader{next: next} }

// Read reads from the current chunk, moving to the next when it is used up.
func (r *Reader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		c, err := r.next()
		if err != nil {
			return 0, err
		}
		r.cur = c
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// ensure the types are what their users take.
var (
	_ io.WriteCloser = (*Writer)(nil)
	_ io.Reader      = (*Reader)(nil)
)
