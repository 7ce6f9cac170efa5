-- The ledger's in-memory index in its compact form (a cache: see ledger.SnapshotStore), so that a server starts by
-- reading it and then only the claims stored after it, instead of every claim: in chunks of up to 1 MiB. The
-- snapshot names the last claim it covers and how many claims it holds; a load checks both against the claims
-- table and ignores a snapshot that does not match.
CREATE TABLE tiled_ledger_index (
  seq INTEGER PRIMARY KEY,
  data BLOB NOT NULL
);
