package chunks

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// TestRoundTrip: values of every size around the chunk boundaries, written in pieces of random sizes, come back
// whole through chunks of at most Size bytes, all but the last full.
func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, Size - 1, Size, Size + 1, 3*Size + 17} {
		want := make([]byte, n)
		for i := range want {
			want[i] = byte(rng.IntN(256))
		}
		var stored [][]byte
		w := NewWriter(func(b []byte) error { stored = append(stored, bytes.Clone(b)); return nil })
		for p := want; len(p) > 0; {
			k := min(len(p), 1+rng.IntN(Size/3))
			if m, err := w.Write(p[:k]); err != nil || m != k {
				t.Fatalf("Write = %d, %v", m, err)
			}
			p = p[k:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		for i, c := range stored {
			if len(c) > Size || i < len(stored)-1 && len(c) != Size || len(c) == 0 {
				t.Fatalf("%d bytes: chunk %d of %d holds %d bytes", n, i, len(stored), len(c))
			}
		}
		i := 0
		r := NewReader(func() ([]byte, error) {
			if i == len(stored) {
				return nil, io.EOF
			}
			i++
			return stored[i-1], nil
		})
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%d bytes: read back %d bytes, %v", n, len(got), err)
		}
	}
}

// TestErrors: a failed flush fails the Write or Close that made it; a failed next fails the Read.
func TestErrors(t *testing.T) {
	boom := errors.New("boom")
	w := NewWriter(func([]byte) error { return boom })
	if _, err := w.Write(make([]byte, Size)); !errors.Is(err, boom) {
		t.Errorf("Write of a full chunk = %v, want the flush's error", err)
	}
	w = NewWriter(func([]byte) error { return boom })
	w.Write([]byte("abc")) //nolint:errcheck // no chunk is full yet
	if err := w.Close(); !errors.Is(err, boom) {
		t.Errorf("Close = %v, want the flush's error", err)
	}
	r := NewReader(func() ([]byte, error) { return nil, boom })
	if _, err := r.Read(make([]byte, 8)); !errors.Is(err, boom) {
		t.Errorf("Read = %v, want next's error", err)
	}
}
