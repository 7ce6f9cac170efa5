package seed

import (
	"bytes"
	"context"

	"github.com/tiled-maps/tiled/data"
	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/ledger"
)

// loadLedger records the seed sources and claims in one transaction. The claims' settlements must be in the
// gazetteer already: an unresolved one is an error in the seed data, reported with the geocoder's suggestions.
func loadLedger(ctx context.Context, places gazetteer.Store, l ledger.Store) error {
	_, err := ledger.Recorder{Store: l, Places: places}.Import(ctx, ledger.Input{
		Sources: bytes.NewReader(data.Sources()), SourcesFile: "data/sources.csv",
		Claims: bytes.NewReader(data.Claims()), ClaimsFile: "data/claims.csv",
	})
	return err
}
