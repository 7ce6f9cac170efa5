//go:build !unix

package web

// fdLimit returns 0: the limit on open files is not known on this system.
func fdLimit() int { return 0 }
