package atlas

import "context"

// StoreStatus is what /ready reports of the store behind the atlas.
type StoreStatus struct {
	// Store is the engine: "sqlite" or "postgres".
	Store string `json:"store,omitempty"`
	// DataVersion is the data version the atlas's views reflect.
	DataVersion int64 `json:"data_version"`
	// Notifications says whether writes made through other servers reach this one as they happen ("connected"),
	// or only when a request next checks the data version ("reconnecting"); empty for a store without them.
	Notifications string `json:"notifications,omitempty"`
}

// Status checks that the stores answer, as Ready does, and reports the store and the data version.
func (a *Atlas) Status(ctx context.Context) (StoreStatus, error) {
	_, lix, err := a.state(ctx)
	if err != nil {
		return StoreStatus{}, err
	}
	st := StoreStatus{DataVersion: lix.Version()}
	if a.deps.Status != nil {
		st.Store, st.Notifications = a.deps.Status()
	}
	return st, nil
}
