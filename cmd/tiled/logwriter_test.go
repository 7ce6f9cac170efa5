package main

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestFlushWriterFlushesByTimeAndOnClose(t *testing.T) {
	var out lockedBuffer
	f := newFlushWriter(&out, 20*time.Millisecond)
	f.Write([]byte("one\n"))
	if out.String() != "" {
		t.Fatal("written at once: not buffered")
	}
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != "one\n" {
		if time.Now().After(deadline) {
			t.Fatalf("not flushed by the ticker: %q", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	f.Write([]byte("two\n"))
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if out.String() != "one\ntwo\n" {
		t.Errorf("after Close: %q, want both lines", out.String())
	}
}
