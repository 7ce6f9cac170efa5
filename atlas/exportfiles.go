package atlas

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// DefaultExportFiles is how many export files the atlas keeps for reuse when Config.ExportFiles is 0.
const DefaultExportFiles = 16

// ExportFile is an export opened for reading: a file on disk that no one writes to any more, so that every reader
// of the same ETag gets the same bytes — what HTTP ranges need (GDAL's /vsicurl/ reads a GeoPackage in ranges over
// many requests). The caller closes it.
type ExportFile struct {
	*os.File
	// Name is the file name to offer the client ("tiled.gpkg").
	Name string
	// MediaType is the export's Content-Type.
	MediaType string
	// ETag is a strong entity tag: the SHA-256 of the contents, quoted.
	ETag string
	// ModTime is when the file was written.
	ModTime time.Time
	// Size is the file's length in bytes.
	Size int64
}

// exportKind is one export the atlas can write.
type exportKind struct {
	media string
	// key validates the query and returns what identifies the export's contents besides the data versions.
	key func(a *Atlas, ctx context.Context, q url.Values) (string, error)
	// write writes the export to path.
	write func(a *Atlas, ctx context.Context, q url.Values, path string) error
}

var exportKinds = map[string]exportKind{
	"settlements.csv": {media: "text/csv; charset=utf-8", key: viewKey,
		write: streamTo(func(a *Atlas, ctx context.Context, q url.Values, w io.Writer) error { return a.ExportCSV(ctx, q, w) })},
	"settlements.kml": {media: "application/vnd.google-earth.kml+xml", key: viewKey,
		write: streamTo(func(a *Atlas, ctx context.Context, q url.Values, w io.Writer) error { return a.ExportKML(ctx, q, w) })},
	"tiled.gpkg": {media: "application/geopackage+sqlite3",
		key: func(_ *Atlas, _ context.Context, q url.Values) (string, error) { return "", onlyParams(q, nil) },
		write: func(a *Atlas, ctx context.Context, _ url.Values, path string) error {
			return a.deps.Snapshot(ctx, path)
		}},
}

// viewKey validates an export's parameters and names its contents: the resolved view (the default date when as_of
// is left out, the known_on cut-off) and the box.
func viewKey(a *Atlas, ctx context.Context, q url.Values) (string, error) {
	_, view, _, err := a.exportSet(ctx, q)
	if err != nil {
		return "", err
	}
	return view.AsOf.String() + "|" + view.Source + "|" + view.KnownOn.String() + "|" + q.Get("bbox"), nil
}

// streamTo adapts a writer of an export to write a file, buffered, never holding the export in memory.
func streamTo(fn func(a *Atlas, ctx context.Context, q url.Values, w io.Writer) error) func(*Atlas, context.Context, url.Values, string) error {
	return func(a *Atlas, ctx context.Context, q url.Values, path string) error {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(f, 64<<10)
		if err := fn(a, ctx, q, bw); err != nil {
			f.Close()
			return err
		}
		if err := bw.Flush(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
}

// exportFiles keeps the export files written, by key, for reuse until the data changes; the least recently used
// beyond the bound are removed (readers that have one open keep reading it: the file is unlinked, not truncated).
type exportFiles struct {
	mu      sync.Mutex
	dir     string
	seq     int64
	entries map[string]*exportEntry
}

type exportEntry struct {
	path, etag string
	mod        time.Time
	size       int64
	used       int64 // seq of the last use, for LRU
}

// Export returns the export name ("settlements.csv", "settlements.kml" or "tiled.gpkg") for the query, opened for
// reading. The file is written on first demand for the data as it is now and reused while the data stays the same;
// ctx (the request's) interrupts the writing, and a cancelled or failed export leaves no file behind. Parameters are
// validated before any work: a bad one is a *ParamError.
func (a *Atlas) Export(ctx context.Context, name string, q url.Values) (*ExportFile, error) {
	kind, ok := exportKinds[name]
	if !ok {
		return nil, fmt.Errorf("%w: export %q", ErrNotFound, name)
	}
	pix, lix, err := a.state(ctx)
	if err != nil {
		return nil, err
	}
	k, err := kind.key(a, ctx, q)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%s|%d|%d|%s", name, pix.version, lix.Version(), k)
	if f, err := a.exports.open(key, name, kind.media); f != nil || err != nil {
		return f, err
	}
	dir, err := a.exports.directory(a.cfg.ExportDir)
	if err != nil {
		return nil, err
	}
	tmp := filepath.Join(dir, "build-"+strconv.FormatInt(time.Now().UnixNano(), 36)+"-"+name)
	if err := kind.write(a, ctx, q, tmp); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	if err := ctx.Err(); err != nil { // gone while the last bytes were written
		os.Remove(tmp)
		return nil, err
	}
	etag, size, err := hashFile(tmp)
	if err != nil {
		os.Remove(tmp)
		return nil, err
	}
	a.exports.add(key, &exportEntry{path: tmp, etag: etag, mod: time.Now().UTC(), size: size}, a.cfg.ExportFiles)
	return a.exports.open(key, name, kind.media)
}

// directory returns the directory export files live in, creating it under base (or the system's temporary
// directory) on first use.
func (x *exportFiles) directory(base string) (string, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.dir == "" {
		d, err := os.MkdirTemp(base, "tiled-exports-")
		if err != nil {
			return "", fmt.Errorf("atlas: export directory: %w", err)
		}
		x.dir = d
	}
	return x.dir, nil
}

// open opens the file stored under key; nil, nil when there is none.
func (x *exportFiles) open(key, name, media string) (*ExportFile, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	e, ok := x.entries[key]
	if !ok {
		return nil, nil
	}
	f, err := os.Open(e.path) // under the lock: eviction cannot unlink it between lookup and open
	if err != nil {
		delete(x.entries, key)
		return nil, nil
	}
	x.seq++
	e.used = x.seq
	return &ExportFile{File: f, Name: name, MediaType: media, ETag: e.etag, ModTime: e.mod, Size: e.size}, nil
}

// add stores e under key (unless another request stored one first: e's file is then removed) and removes the least
// recently used files beyond maxFiles.
func (x *exportFiles) add(key string, e *exportEntry, maxFiles int) {
	if maxFiles <= 0 {
		maxFiles = DefaultExportFiles
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.entries == nil {
		x.entries = make(map[string]*exportEntry)
	}
	if _, ok := x.entries[key]; ok {
		os.Remove(e.path)
		return
	}
	x.seq++
	e.used = x.seq
	x.entries[key] = e
	for len(x.entries) > maxFiles {
		oldest := ""
		for k, v := range x.entries {
			if oldest == "" || v.used < x.entries[oldest].used {
				oldest = k
			}
		}
		os.Remove(x.entries[oldest].path)
		delete(x.entries, oldest)
	}
}

// close removes every export file and the directory.
func (x *exportFiles) close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.entries = nil
	if x.dir == "" {
		return nil
	}
	err := os.RemoveAll(x.dir)
	x.dir = ""
	return err
}

// hashFile returns the strong ETag (quoted SHA-256) and the size of the file at path.
func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`, n, nil
}

// Close removes the export files the atlas wrote. Exports opened before stay readable until closed.
func (a *Atlas) Close() error { return a.exports.close() }
