-- The store is an OGC GeoPackage 1.3 (http://www.geopackage.org/spec130/): application id 'GPKG', version 10300.
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10300;

CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326,
   'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
   'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');

CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);

CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);

CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);

-- settlements: the gazetteer's places as a GeoPackage features table. Empty text is stored as NULL.
CREATE TABLE settlements (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom POINT NOT NULL,
  id TEXT NOT NULL UNIQUE,
  slug TEXT,
  geonameid INTEGER,
  name TEXT NOT NULL,
  name_ru TEXT,
  name_uk TEXT,
  names TEXT, -- JSON array of {"name", "lang", "kind"}: every spelling besides the primary name
  country TEXT,
  admin1 TEXT,
  admin1_code TEXT,
  admin2 TEXT,
  admin2_code TEXT,
  population INTEGER,
  population_year INTEGER,
  feature_code TEXT,
  place_type TEXT,
  precision_km REAL,
  approximate BOOLEAN NOT NULL DEFAULT 0,
  location_method TEXT,
  location_source TEXT,
  location_note TEXT,
  near TEXT,
  codes TEXT,
  source TEXT,
  confidence TEXT,
  updated_at DATETIME NOT NULL
);
CREATE INDEX settlements_slug ON settlements(slug);

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
VALUES ('settlements', 'features', 'settlements',
        'Settlements of the tiled gazetteer (points, EPSG:4326); contains data from GeoNames (CC BY 4.0)', 4326);
INSERT INTO gpkg_geometry_columns VALUES ('settlements', 'geom', 'POINT', 4326, 0, 0);

-- The GeoPackage R*Tree spatial index extension (GeoPackage 1.3, annex F.3) with its triggers.
INSERT INTO gpkg_extensions VALUES
  ('settlements', 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
CREATE VIRTUAL TABLE rtree_settlements_geom USING rtree(id, minx, maxx, miny, maxy);
CREATE TRIGGER rtree_settlements_geom_insert AFTER INSERT ON settlements
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_settlements_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_settlements_geom_update1 AFTER UPDATE OF geom ON settlements
WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  INSERT OR REPLACE INTO rtree_settlements_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_settlements_geom_update2 AFTER UPDATE OF geom ON settlements
WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_settlements_geom WHERE id = OLD.fid;
END;
CREATE TRIGGER rtree_settlements_geom_update3 AFTER UPDATE ON settlements
WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_settlements_geom WHERE id = OLD.fid;
  INSERT OR REPLACE INTO rtree_settlements_geom VALUES (
    NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));
END;
CREATE TRIGGER rtree_settlements_geom_update4 AFTER UPDATE ON settlements
WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN
  DELETE FROM rtree_settlements_geom WHERE id IN (OLD.fid, NEW.fid);
END;
CREATE TRIGGER rtree_settlements_geom_delete AFTER DELETE ON settlements
WHEN old.geom NOT NULL
BEGIN
  DELETE FROM rtree_settlements_geom WHERE id = OLD.fid;
END;

-- The match keys the geocoder looks names up by (see package names): derived from the names by the importer.
CREATE TABLE name_keys (
  key TEXT NOT NULL,
  place_id TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (key, place_id)
) WITHOUT ROWID;

CREATE TABLE tiled_meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
INSERT INTO tiled_meta VALUES ('data_version', 1), ('places_version', 1);
