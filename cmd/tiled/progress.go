package main

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"
)

// progressReader counts bytes read and, when w is a terminal, redraws a one-line progress bar at most every 200 ms.
type progressReader struct {
	r      io.Reader
	w      io.Writer
	label  string
	total  int64
	read   atomic.Int64
	start  time.Time
	last   time.Time
	active bool
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

func newProgress(r io.Reader, w io.Writer, label string, total int64) *progressReader {
	return &progressReader{r: r, w: w, label: label, total: total, start: time.Now(), active: isTerminal(w)}
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	done := p.read.Add(int64(n))
	if p.active && time.Since(p.last) > 200*time.Millisecond {
		p.last = time.Now()
		p.draw(done)
	}
	return n, err
}

func (p *progressReader) draw(done int64) {
	const width = 30
	frac := 0.0
	if p.total > 0 {
		frac = min(1, float64(done)/float64(p.total))
	}
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = ' '
		if float64(i) < frac*width {
			bar[i] = '='
		}
	}
	fmt.Fprintf(p.w, "\r%s [%s] %3.0f%% %.1f MB", p.label, bar, frac*100, float64(done)/1e6)
}

// finish clears the bar line.
func (p *progressReader) finish() {
	if p.active {
		p.draw(p.read.Load())
		fmt.Fprintln(p.w)
	}
}
