package main

import (
	"context"
	"fmt"
	"time"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/store"
)

// prepareIndexes builds the server's two start-up indexes of db — the compact place index and the ledger index —
// the way serve's first start would, and stores their compact forms in db, so that the next start reads them
// instead of every place and claim. An import calls it after its transaction commits: the import is kept whatever
// happens here, and a failure only costs the next start its speed, so it is reported as a warning.
func prepareIndexes(ctx context.Context, e env, db *store.Store) {
	start := time.Now()
	a := atlas.New(atlas.Config{}, atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger()})
	defer a.Close()
	err := a.Ready(ctx)
	if err == nil {
		_, err = a.SaveLedgerSnapshot(ctx)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "tiled: warning: the map's indexes were not stored (the server's next start builds them): %v\n", err)
		return
	}
	fmt.Fprintf(e.stdout, "stored the map's indexes in %.1fs: the server's next start reads them\n", time.Since(start).Seconds())
}
