//go:build !unix

package web_test

// openFileLimit returns 0: not known on this system.
func openFileLimit() int { return 0 }
