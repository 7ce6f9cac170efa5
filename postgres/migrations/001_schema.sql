-- The tiled store on PostgreSQL/PostGIS: the same tables as the SQLite store's migrations 001–004, with PostGIS
-- geometry and a GiST index in place of the GeoPackage R*Tree. Empty text is stored as NULL, as on SQLite.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE settlements (
  fid bigserial PRIMARY KEY,
  geom geometry(Point, 4326) NOT NULL,
  id text NOT NULL UNIQUE,
  slug text,
  geonameid bigint,
  name text NOT NULL,
  name_ru text,
  name_uk text,
  names text, -- JSON array of {"name", "lang", "kind"}, as on SQLite
  country text,
  admin1 text,
  admin1_code text,
  admin2 text,
  admin2_code text,
  population bigint,
  population_year integer,
  feature_code text,
  place_type text,
  precision_km double precision,
  approximate boolean NOT NULL DEFAULT false,
  location_method text,
  location_source text,
  location_note text,
  near text,
  codes text,
  source text,
  confidence text,
  updated_at timestamptz NOT NULL
);
CREATE INDEX settlements_slug ON settlements (slug);
CREATE INDEX settlements_geom ON settlements USING gist (geom);

-- The match keys the geocoder looks names up by (see package names).
CREATE TABLE name_keys (
  key text NOT NULL,
  place_id text NOT NULL,
  name text NOT NULL,
  PRIMARY KEY (key, place_id)
);

CREATE TABLE tiled_meta (key text PRIMARY KEY, value bigint NOT NULL);
INSERT INTO tiled_meta VALUES ('data_version', 1), ('places_version', 1);

CREATE TABLE sources (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]*$'),
  name text NOT NULL CHECK (name <> ''),
  kind text NOT NULL CHECK (kind <> ''),
  alignment text NOT NULL CHECK (alignment IN ('ru', 'ua', 'independent')),
  url text,
  notes text,
  reliability text NOT NULL DEFAULT 'F' CHECK (reliability IN ('A', 'B', 'C', 'D', 'E', 'F')),
  updated_at timestamptz NOT NULL
);

CREATE TABLE claims (
  id bigint PRIMARY KEY,
  settlement_id text NOT NULL REFERENCES settlements (id),
  source_id text NOT NULL REFERENCES sources (id),
  holder text NOT NULL CHECK (holder IN ('ru', 'ua', 'contested', 'unknown')),
  degree text CHECK (degree IN ('full', 'partial', 'advance', 'presence', 'fighting', 'infiltration', 'encircled',
                                'attack-repelled')),
  valid_at text NOT NULL CHECK (valid_at ~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$'),
  valid_precision text NOT NULL DEFAULT 'day' CHECK (valid_precision IN ('day', 'week', 'month')),
  published_at text NOT NULL CHECK (published_at ~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$' AND published_at >= valid_at),
  recorded_at timestamptz NOT NULL,
  relayed_by text,
  relay_url text,
  evidence text NOT NULL CHECK (evidence IN ('geolocated-footage', 'official-statement', 'analyst-assessment',
                                             'milblogger-report', 'map-update')),
  summary text NOT NULL CHECK (summary <> ''),
  credibility integer NOT NULL DEFAULT 6 CHECK (credibility BETWEEN 1 AND 6),
  supersedes bigint REFERENCES claims (id),
  retracts bigint REFERENCES claims (id),
  recorded_by text,
  CHECK (supersedes IS NULL OR retracts IS NULL),
  CHECK (degree IS NOT NULL OR holder = 'unknown' OR retracts IS NOT NULL)
);
CREATE INDEX claims_settlement ON claims (settlement_id, source_id);
CREATE INDEX claims_source ON claims (source_id);
CREATE UNIQUE INDEX claims_supersedes ON claims (supersedes) WHERE supersedes IS NOT NULL;
CREATE UNIQUE INDEX claims_retracts ON claims (retracts) WHERE retracts IS NOT NULL;

-- Append-only, enforced by the database whoever connects: nothing edits, deletes or truncates a claim. A
-- correction is a new claim that supersedes or retracts one.
CREATE FUNCTION claims_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'claims are append-only: record a claim that supersedes or retracts this one';
  END IF;
  RAISE EXCEPTION 'claims are append-only: record a claim that retracts this one';
END $$;
CREATE TRIGGER claims_no_update BEFORE UPDATE ON claims FOR EACH ROW EXECUTE FUNCTION claims_append_only();
CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims FOR EACH ROW EXECUTE FUNCTION claims_append_only();
CREATE TRIGGER claims_no_truncate BEFORE TRUNCATE ON claims FOR EACH STATEMENT EXECUTE FUNCTION claims_append_only();

-- A claim is corrected at most once, by a claim about the same settlement, and a retraction is never corrected;
-- a taken id is refused with the append-only message, as on SQLite.
CREATE FUNCTION claims_check_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE target bigint := coalesce(NEW.supersedes, NEW.retracts);
BEGIN
  IF EXISTS (SELECT 1 FROM claims WHERE id = NEW.id) THEN
    RAISE EXCEPTION 'claims are append-only: claim id already taken';
  END IF;
  IF target IS NOT NULL THEN
    IF EXISTS (SELECT 1 FROM claims WHERE supersedes = target OR retracts = target) THEN
      RAISE EXCEPTION 'claims: the corrected claim is already superseded or retracted';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM claims WHERE id = target AND settlement_id = NEW.settlement_id AND retracts IS NULL) THEN
      RAISE EXCEPTION 'claims: a correction must name an earlier claim about the same settlement that is not a retraction';
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER claims_check_insert BEFORE INSERT ON claims FOR EACH ROW EXECUTE FUNCTION claims_check_insert();

-- Bearer tokens for the write API: only the SHA-256 of each token is stored.
CREATE TABLE tokens (
  id bigserial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);
