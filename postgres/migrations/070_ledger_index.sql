-- The ledger's in-memory index in its compact form (a cache: see ledger.SnapshotStore), as SQLite's 070: a server
-- starts by reading it and then only the claims stored after it, in chunks of up to 1 MiB; a load checks it against
-- the claims table and ignores a snapshot that does not match.
CREATE TABLE tiled_ledger_index (
  seq bigserial PRIMARY KEY,
  data bytea NOT NULL
);
