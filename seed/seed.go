// Package seed loads tiled's embedded seed data (package data) into a fresh store: the settlements of the border
// belt, then the sources and claims of the control-status ledger.
package seed

import (
	"bytes"
	"context"
	"fmt"

	"github.com/tiled-maps/tiled/data"
	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/sqlite"
)

// Load imports the seed data when the store holds no places yet, and reports whether it did. A store that already
// has places is left alone, so user imports are never overwritten.
func Load(ctx context.Context, db *sqlite.DB) (bool, error) {
	n, err := db.Gazetteer().CountPlaces(ctx)
	if err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if err := LoadPlaces(ctx, db); err != nil {
		return false, err
	}
	if err := loadLedger(ctx, db); err != nil {
		return false, fmt.Errorf("seed: ledger: %w", err)
	}
	return true, nil
}

// LoadPlaces imports the seed settlements (idempotent: re-importing updates by id).
func LoadPlaces(ctx context.Context, db *sqlite.DB) error {
	_, err := gazetteer.Importer{Store: db.Gazetteer()}.GeoJSON(ctx, bytes.NewReader(data.Settlements()), "data/settlements.geojson")
	if err != nil {
		return fmt.Errorf("seed: settlements: %w", err)
	}
	return nil
}
