-- The atlas's in-memory place index in its compact form (a cache: see atlas.PlaceIndexStore), as SQLite's 060:
-- a server starts by reading it instead of scanning every place, in chunks of up to 1 MiB, for the places version
-- it was built from.
CREATE TABLE tiled_place_index (
  seq bigserial PRIMARY KEY,
  places_version bigint NOT NULL,
  data bytea NOT NULL
);
