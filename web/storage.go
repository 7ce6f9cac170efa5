package web

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// storageFault is what a store's error says when the file system refused a write (sqlite.StorageError has these
// methods); web recognises it without depending on a store package.
type storageFault interface {
	StorageFull() bool
	StorageReadOnly() bool
}

// recentFull is how long after a write failed on a full disk /ready keeps reporting it, unless a write succeeds.
const recentFull = time.Minute

// classifyStorage maps a storage fault to its status, code and a message for clients (the path and the driver's
// text stay in the log).
func classifyStorage(err error) (status int, code, desc string, ok bool) {
	var sf storageFault
	if !errors.As(err, &sf) {
		return 0, "", "", false
	}
	if sf.StorageFull() {
		return http.StatusInsufficientStorage, "storage_full",
			"the server's disk is full: nothing was stored; try again later (the operator has been told)", true
	}
	return http.StatusServiceUnavailable, "storage_read_only",
		"the server's store is read-only: nothing was stored (the operator has been told)", true
}

// storageProblem returns what /ready reports about the store's storage: the configured check (free space,
// read-only mount), else a write refused for a full disk within recentFull and not followed by a successful one.
func (s *Server) storageProblem(ctx context.Context) (code, desc string) {
	if s.cfg.Storage != nil {
		if err := s.cfg.Storage(ctx); err != nil {
			if _, code, desc, ok := classifyStorage(err); ok {
				s.log.Error("not ready", "error", err)
				return code, desc
			}
		}
	}
	if at := s.fullAt.Load(); at != 0 && s.cfg.Now().Sub(time.Unix(0, at)) < recentFull {
		return "storage_full", "a write failed on a full disk at " + time.Unix(0, at).UTC().Format(time.RFC3339)
	}
	return "", ""
}
