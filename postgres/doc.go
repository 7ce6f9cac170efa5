// Package postgres is the tiled store on PostgreSQL with PostGIS, a sibling of package sqlite behind the same
// interfaces (gazetteer.Store, ledger.Store, auth.Store): several tiled servers can share one database.
//
// Points are PostGIS geometry(Point, 4326) under a GiST index; the schema is versioned by the migrations in
// migrations/, applied as a set like SQLite's. Claims are append-only in the database itself (triggers refuse
// UPDATE, DELETE and TRUNCATE whoever connects). Every write transaction takes one advisory lock, so writes are
// serialised across all servers as they are on SQLite, and announces the new data version with NOTIFY on the
// channel tiled_data.
package postgres
