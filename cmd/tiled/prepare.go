package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/store"
)

// prepareMemoryLimit is the Go heap the index build aims to stay within (a soft limit: the GC works harder near it).
// A million places' compact index holds about 150 MB live.
const prepareMemoryLimit = 160 << 20

// prepareIndexes builds the server's start-up index of what an import changed — the compact place index after a
// places import, the ledger index after a claims import — the way serve's first start would, and stores its
// compact form in db, so that the next start reads it instead of every place or claim. An import calls it after
// its transaction commits: the import is kept whatever happens here, and a failure only costs the next start its
// speed, so it is reported as a warning.
func prepareIndexes(ctx context.Context, e env, db *store.Store, places, claims bool) {
	start := time.Now()
	// The import's buffers are garbage now: give them back before the index is built, so that the command's peak
	// memory is the larger of the two steps, not their sum; and collect more often while building, since what the
	// index build throws away (each place read, the arena's growth) would otherwise double its heap before a GC.
	debug.FreeOSMemory()
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(prepareMemoryLimit))
	a := atlas.New(atlas.Config{}, atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger()})
	defer a.Close()
	if err := a.StoreIndexes(ctx, places, claims); err != nil {
		fmt.Fprintf(e.stderr, "tiled: warning: the map's indexes were not stored (the server's next start builds them): %v\n", err)
		return
	}
	what := "place index"
	if claims {
		what = "ledger index"
	}
	fmt.Fprintf(e.stdout, "stored the map's %s in %.1fs: the server's next start reads it\n", what, time.Since(start).Seconds())
}
