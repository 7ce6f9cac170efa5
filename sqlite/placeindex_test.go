package sqlite_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/tiled-maps/tiled/internal/testdb"
)

// TestPlaceIndexStore: what SavePlaceIndex stores (in several chunks) reads back byte for byte for its version,
// is absent for any other, and a second save replaces the first.
func TestPlaceIndexStore(t *testing.T) {
	ctx := context.Background()
	g := testdb.Open(t).Gazetteer()
	read := func(v int64) ([]byte, bool) {
		t.Helper()
		var got []byte
		found, err := g.ReadPlaceIndex(ctx, v, func(r io.Reader, size int64) error {
			b, err := io.ReadAll(r)
			if int64(len(b)) != size {
				t.Errorf("ReadPlaceIndex(%d) size = %d, read %d bytes", v, size, len(b))
			}
			got = b
			return err
		})
		if err != nil {
			t.Fatalf("ReadPlaceIndex(%d): %v", v, err)
		}
		return got, found
	}
	if _, found := read(1); found {
		t.Fatal("ReadPlaceIndex on a new store found an index")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{10, 3<<20 + 17} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		v := int64(n)
		if err := g.SavePlaceIndex(ctx, v, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
			t.Fatal(err)
		}
		if got, found := read(v); !found || !bytes.Equal(got, data) {
			t.Errorf("ReadPlaceIndex(%d) = %d bytes, found %v; want the %d bytes saved", v, len(got), found, n)
		}
		if _, found := read(v + 1); found {
			t.Errorf("ReadPlaceIndex(%d) found the index of version %d", v+1, v)
		}
	}
	if _, found := read(10); found {
		t.Error("the first save was not replaced by the second")
	}
}
