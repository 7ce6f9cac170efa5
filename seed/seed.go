// Package seed loads tiled's embedded seed data (package data) into a fresh store: the settlements of the border
// belt, then the sources and claims of the control-status ledger.
package seed

import (
	"bytes"
	"context"
	"fmt"

	"github.com/tiled-maps/tiled/data"
	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/ledger"
)

// Store is what seeding needs of a store: its gazetteer and its ledger (*sqlite.DB, *postgres.DB, *store.Store).
type Store[G gazetteer.Store, L ledger.Store] interface {
	// Gazetteer returns the store's places.
	Gazetteer() G
	// Ledger returns the store's ledger.
	Ledger() L
}

// Load imports the seed data when the store holds no places yet, and reports whether it did. A store that already
// has places is left alone, so user imports are never overwritten.
func Load[G gazetteer.Store, L ledger.Store](ctx context.Context, db Store[G, L]) (bool, error) {
	n, err := db.Gazetteer().CountPlaces(ctx)
	if err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if err := LoadPlaces(ctx, db.Gazetteer()); err != nil {
		return false, err
	}
	if err := loadLedger(ctx, db.Gazetteer(), db.Ledger()); err != nil {
		return false, fmt.Errorf("seed: ledger: %w", err)
	}
	return true, nil
}

// LoadPlaces imports the seed settlements (idempotent: re-importing updates by id).
func LoadPlaces(ctx context.Context, places gazetteer.Store) error {
	_, err := gazetteer.Importer{Store: places}.GeoJSON(ctx, bytes.NewReader(data.Settlements()), "data/settlements.geojson")
	if err != nil {
		return fmt.Errorf("seed: settlements: %w", err)
	}
	return nil
}
