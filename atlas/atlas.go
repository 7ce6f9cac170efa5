package atlas

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/data"
	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/report"
	"github.com/tiled-maps/tiled/tiles"
)

// Errors the atlas returns for client mistakes; web maps them to status codes.
var (
	// ErrBadRequest wraps every invalid parameter or body.
	ErrBadRequest = errors.New("atlas: bad request")
	// ErrNotFound is returned for an unknown settlement, source or resource.
	ErrNotFound = errors.New("atlas: not found")
)

// ParamError is a bad query parameter; it wraps ErrBadRequest.
type ParamError struct {
	// Param names the parameter.
	Param string
	// Value is what the client sent.
	Value string
	// Msg says what is wrong.
	Msg string
}

// Error formats the problem for people.
func (e *ParamError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Param, e.Msg)
	}
	return fmt.Sprintf("%s %q: %s", e.Param, e.Value, e.Msg)
}

// Unwrap makes errors.Is(err, ErrBadRequest) true.
func (e *ParamError) Unwrap() error { return ErrBadRequest }

func paramErr(param, value, format string, args ...any) error {
	return &ParamError{Param: param, Value: value, Msg: fmt.Sprintf(format, args...)}
}

// LedgerStore is what the atlas needs of the ledger's store.
type LedgerStore = ledger.Store

// Deps are the stores the atlas works on.
type Deps struct {
	// Places is the gazetteer.
	Places PlaceStore
	// Ledger is the control-status ledger.
	Ledger LedgerStore
	// Tokens verifies write tokens.
	Tokens auth.Store
	// Sessions keeps the desk's sessions; nil disables signing in.
	Sessions auth.SessionStore
	// Reviews keeps the desk's decisions about proposed claims; nil disables rejecting proposals.
	Reviews ReviewStore
	// Snapshot writes a consistent copy of the store's public data (a GeoPackage) to the new file path; ctx
	// interrupts it, and on error it leaves no file.
	Snapshot func(ctx context.Context, path string) error
	// Reports keeps the reports posted to /api/reports; nil for a server that keeps none.
	Reports ReportStore
	// Aliases keeps the source aliases editors add for the report parser; nil for none.
	Aliases report.AliasStore
	// Status, optional, names the store's engine and the state of its change notifications for /ready (see
	// StoreStatus).
	Status func() (store, notifications string)
}

// Config tunes the atlas.
type Config struct {
	// StaleDays is the ledger's staleness window (0: the ledger's default, 30 days).
	StaleDays int
	// MaxZoom is the highest tile zoom served (0: 14).
	MaxZoom int
	// CacheBytes bounds the tile cache (0 disables it).
	CacheBytes int64
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Attribution is shown in TileJSON and the style.
	Attribution string
	// SessionTTL is how long a desk session lasts (0: auth.DefaultSessionTTL).
	SessionTTL time.Duration
	// ExportDir is where export files are written ("": the system's temporary directory), in a directory of
	// their own that Close removes.
	ExportDir string
	// ExportFiles bounds the export files kept for reuse (0: DefaultExportFiles).
	ExportFiles int
	// Reference is the reference layer of state borders added to every tile (nil: tiled's own, data.Boundaries).
	Reference *tiles.Reference
}

// Atlas answers the server's questions. It is safe for concurrent use.
type Atlas struct {
	cfg      Config
	deps     Deps
	places   *placeCache
	ledger   *ledger.Cache
	tiles    *tiles.Cache
	recorder ledger.Recorder

	mu        sync.Mutex
	known     *ledger.Index // the ledger index the tile cache reflects (see ledgerUpdated)
	placesVer int64

	exports exportFiles // export files on disk (exportfiles.go)

	hot tileHotPath // what Tile keeps between calls: the indexes last used, the bound on concurrent builds (tiles.go)
}

// New returns an atlas over deps.
func New(cfg Config, deps Deps) *Atlas {
	if cfg.MaxZoom == 0 {
		cfg.MaxZoom = 14
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Attribution == "" {
		cfg.Attribution = DefaultAttribution
	}
	if cfg.Reference == nil {
		ref, err := tiles.ParseReference(data.Boundaries())
		if err != nil {
			panic(err) // the embedded file is fixed at build time; data's tests parse it
		}
		cfg.Reference = ref
	}
	a := &Atlas{
		cfg: cfg, deps: deps,
		places:   &placeCache{store: deps.Places},
		tiles:    tiles.NewCache(cfg.CacheBytes),
		hot:      tileHotPath{builds: make(chan struct{}, runtime.GOMAXPROCS(0))},
		recorder: ledger.Recorder{Store: deps.Ledger, Places: deps.Places, Now: cfg.Now},
	}
	a.ledger = ledger.NewCache(deps.Ledger, ledger.Options{StaleDays: cfg.StaleDays}, a.ledgerUpdated)
	return a
}

// ledgerUpdated follows each new ledger index the cache publishes (after this atlas's writes, another process's or
// another replica's): it drops exactly the cached tiles that show a settlement that gained claims (all of them on
// the first load) and records the index as the one the tile cache reflects. Tiles built from an older index are
// not cached after this (see putTile).
func (a *Atlas) ledgerUpdated(ctx context.Context, u ledger.Update) {
	var (
		pix *placeIndex
		err error
	)
	if len(u.Settlements) > 0 {
		pix, err = a.places.index(ctx)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.known = u.Index
	if u.Full || err != nil {
		a.tiles.InvalidateAll()
		return
	}
	for _, id := range u.Settlements {
		if p, ok := pix.place(id); ok {
			a.tiles.InvalidatePoint(p.Point, a.tileOptions().BufferFraction())
		}
	}
}

// Refresh brings the atlas up to date with writes made elsewhere (another process, another replica): it reads
// only what the ledger gained since the current index, applies it incrementally and drops exactly the cached tiles
// it changes. Readers go on with the current index meanwhile. Writes through the atlas refresh by themselves.
func (a *Atlas) Refresh(ctx context.Context) error {
	_, err := a.ledger.Refresh(ctx)
	return err
}

// DefaultAttribution credits the data tiled serves.
const DefaultAttribution = `Settlements: GeoNames (CC BY 4.0) and sources per feature; control claims: attributed per source, compiled by tiled`

// today is the date "today" means for default views.
func (a *Atlas) today() ledger.Date { return ledger.Today(a.cfg.Now()) }

// state returns the current place index and ledger index. A ledger changed behind the atlas's back (another
// process, a CLI import) is refreshed incrementally on the way, unless a refresh is under way: then the current
// index serves and the reader does not wait.
//
// The first call loads both indexes at once, each on its own goroutine: the place index and the ledger index are
// independent, and a start-up costs the longer of the two rather than their sum.
func (a *Atlas) state(ctx context.Context) (*placeIndex, *ledger.Index, error) {
	var (
		pix        *placeIndex
		lix        *ledger.Index
		perr, lerr error
	)
	if a.ledger.Current() == nil {
		done := make(chan struct{})
		go func() {
			defer close(done)
			lix, lerr = a.ledger.Index(ctx)
		}()
		pix, perr = a.places.index(ctx)
		<-done
	} else {
		pix, perr = a.places.index(ctx)
		if perr == nil {
			lix, lerr = a.ledger.Index(ctx)
		}
	}
	if err := errors.Join(perr, lerr); err != nil {
		return nil, nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.placesVer != pix.version { // tiles are keyed by the places version: older entries just age out
		a.placesVer = pix.version
	}
	return pix, lix, nil
}

// SaveLedgerSnapshot stores a snapshot of the ledger index in the store when the atlas's first load of it found
// none usable or one far behind (see ledger.Cache.SaveSnapshot), so that the next start reads it instead of every
// claim; otherwise it does nothing. It reports whether it stored one. Call it once the atlas is Ready, off any
// request's path: readers do not wait for it.
func (a *Atlas) SaveLedgerSnapshot(ctx context.Context) (saved bool, err error) {
	return a.ledger.SaveSnapshot(ctx)
}

// StoreIndexes builds what a server's start reads and stores it in the store, for a command that has just changed
// it: with places, the compact place index of the current places version; with claims, the ledger index, whose
// snapshot is stored when its load read many claims (see SaveLedgerSnapshot). The next start then reads these
// instead of every place or claim. Each is only a cache: a store without it still starts, more slowly.
func (a *Atlas) StoreIndexes(ctx context.Context, places, claims bool) error {
	if places {
		if _, err := a.places.index(ctx); err != nil {
			return err
		}
	}
	if claims {
		if _, err := a.ledger.Index(ctx); err != nil {
			return err
		}
		if _, err := a.SaveLedgerSnapshot(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Ready checks that the stores answer.
func (a *Atlas) Ready(ctx context.Context) error {
	_, _, err := a.state(ctx)
	return err
}

// DataVersion is the version tile URLs carry so that caches can keep them for long.
func (a *Atlas) DataVersion(ctx context.Context) (int64, error) {
	_, lix, err := a.state(ctx)
	if err != nil {
		return 0, err
	}
	return lix.Version(), nil
}

// CacheStats reports the tile cache's counters.
func (a *Atlas) CacheStats() tiles.CacheStats { return a.tiles.Stats() }

// MaxZoom is the highest zoom served.
func (a *Atlas) MaxZoom() int { return a.cfg.MaxZoom }

// View is a resolved ledger query: the date, the source (Source "" for the consensus of all sources) and the
// publication cut-off (KnownOn, zero for none).
type View struct {
	ledger.Query
	// Today is true when AsOf was not given and takes the ledger's default date (see defaultAsOf).
	Today bool
	// LatestClaims is true when AsOf was not given and the default is the latest claims' date, not today, since
	// every claim is older than the staleness window.
	LatestClaims bool
}

// Reasons for a view's date, as responses state them (as_of_reason).
const (
	// AsOfRequested: the request named the date.
	AsOfRequested = "requested"
	// AsOfToday: no date was asked for and there are current claims: today.
	AsOfToday = "today"
	// AsOfLatestClaims: no date was asked for and every claim is stale: the latest date any claim describes.
	AsOfLatestClaims = "latest-claims"
)

// Reason says why the view shows its date: AsOfRequested, AsOfToday or AsOfLatestClaims.
func (v View) Reason() string {
	switch {
	case !v.Today:
		return AsOfRequested
	case v.LatestClaims:
		return AsOfLatestClaims
	default:
		return AsOfToday
	}
}

// Today is the server's today (YYYY-MM-DD), the last date a view may ask for.
func (a *Atlas) Today() string { return a.today().String() }

// defaultAsOf is the date a view shows when none is asked for: today, or the latest claims' date when every claim
// is stale (ledger.Index.DefaultAsOf), as known on knownOn (zero: no cut-off).
func (a *Atlas) defaultAsOf(lix *ledger.Index, knownOn ledger.Date) ledger.Date {
	return lix.DefaultAsOf(a.today(), knownOn)
}

// parseView reads as_of, source and known_on, checking the source exists.
func (a *Atlas) parseView(lix *ledger.Index, asOf, source, knownOn string) (View, error) {
	v := View{Today: true}
	if knownOn != "" {
		d, err := ledger.ParseDate(knownOn)
		if err != nil {
			return v, paramErr("known_on", knownOn, "want a date YYYY-MM-DD")
		}
		v.KnownOn = d
	}
	v.AsOf = a.defaultAsOf(lix, v.KnownOn)
	v.LatestClaims = v.AsOf != a.today()
	if asOf != "" {
		d, err := ledger.ParseDate(asOf)
		if err != nil {
			return v, paramErr("as_of", asOf, "want a date YYYY-MM-DD")
		}
		v.AsOf, v.Today, v.LatestClaims = d, false, false
	}
	if source != "" && source != "consensus" {
		if _, ok := lix.Source(source); !ok {
			return v, paramErr("source", source, "unknown source (see /api/sources)")
		}
		v.Source = source
	}
	return v, nil
}

// place returns a place's full record.
func (a *Atlas) place(ctx context.Context, id string) (gazetteer.Place, error) {
	p, err := a.deps.Places.Place(ctx, id)
	if errors.Is(err, gazetteer.ErrNotFound) {
		return p, fmt.Errorf("%w: settlement %q", ErrNotFound, id)
	}
	return p, err
}
