package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// flushWriter buffers the server's log lines and writes them out every interval (and when the buffer fills), so
// that a busy server does one write system call per batch of request logs instead of one per request.
type flushWriter struct {
	mu   sync.Mutex
	w    *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

func newFlushWriter(w io.Writer, every time.Duration) *flushWriter {
	f := &flushWriter{w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(f.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				f.Flush()
			case <-f.stop:
				return
			}
		}
	}()
	return f
}

// Write buffers p; slog handlers write one whole line per call.
func (f *flushWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.w.Write(p)
}

// Flush writes out what is buffered.
func (f *flushWriter) Flush() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.w.Flush()
}

// Close stops the ticker and flushes.
func (f *flushWriter) Close() error {
	close(f.stop)
	<-f.done
	return f.Flush()
}
