// Package store opens a whole tiled store — SQLite/GeoPackage file or PostgreSQL/PostGIS database — behind one
// type, so that every command works on either: a postgres:// URL selects PostgreSQL, anything else is a file path.
// It also copies a store into another (both directions, checked by counts and a content hash), dumps a store's
// content in a canonical form for that hash, and backs a store up.
package store
