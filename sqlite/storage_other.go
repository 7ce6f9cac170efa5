//go:build !linux

package sqlite

import "errors"

var errUnknown = errors.New("sqlite: not known on this system")

// fsSpace is not known on this system.
func fsSpace(string) (uint64, bool, error) { return 0, false, errUnknown }

// access is not checked on this system: SQLite reports what it finds.
func access(string) error { return nil }
