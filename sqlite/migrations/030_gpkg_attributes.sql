-- tiled: foreign keys off
-- The ledger's tables as GeoPackage attributes tables (GeoPackage 1.3, clause 2.4): registered in gpkg_contents, so
-- that QGIS and GDAL list claims and sources beside the settlements. An attributes table needs an INTEGER PRIMARY
-- KEY (Req 119): sources, keyed by its text id WITHOUT ROWID, is rebuilt with an fid and keeps id UNIQUE, which
-- claims.source_id goes on referring to. tiled_meta's value gets a type (Req 5 lists the column types allowed).

CREATE TABLE sources_rebuilt (
  fid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE CHECK (id GLOB '[a-z0-9]*' AND id NOT GLOB '*[^a-z0-9-]*'),
  name TEXT NOT NULL CHECK (name <> ''),
  kind TEXT NOT NULL CHECK (kind <> ''),
  alignment TEXT NOT NULL CHECK (alignment IN ('ru', 'ua', 'independent')),
  url TEXT,
  notes TEXT,
  reliability TEXT NOT NULL DEFAULT 'F' CHECK (reliability IN ('A', 'B', 'C', 'D', 'E', 'F')),
  updated_at TEXT NOT NULL
);
INSERT INTO sources_rebuilt (id, name, kind, alignment, url, notes, reliability, updated_at)
  SELECT id, name, kind, alignment, url, notes, reliability, updated_at FROM sources ORDER BY id;
DROP TABLE sources;
ALTER TABLE sources_rebuilt RENAME TO sources;

CREATE TABLE tiled_meta_typed (key TEXT NOT NULL PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO tiled_meta_typed SELECT key, value FROM tiled_meta;
DROP TABLE tiled_meta;
ALTER TABLE tiled_meta_typed RENAME TO tiled_meta;

INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
  ('sources', 'attributes', 'sources',
   'The sources whose claims the ledger records: id, name, kind, alignment (ru, ua, independent), reliability (A-F)'),
  ('claims', 'attributes', 'claims',
   'Control claims: which side a source says held a settlement on a date (valid_at), append-only; corrections supersede or retract');
