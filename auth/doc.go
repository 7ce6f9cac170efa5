// Package auth issues and checks the bearer tokens that guard tiled's write API. A token is shown once when it is
// created; the store keeps only its SHA-256 hash, and checks compare hashes in constant time.
package auth
