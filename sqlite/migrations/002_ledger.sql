-- The control-status ledger (package ledger): the source registry and the append-only claims.
-- Dates are TEXT 'YYYY-MM-DD'; recorded_at is TEXT 'YYYY-MM-DDTHH:MM:SS.sssZ' (UTC). Empty text is stored as NULL.

CREATE TABLE sources (
  id TEXT NOT NULL PRIMARY KEY CHECK (id GLOB '[a-z0-9]*' AND id NOT GLOB '*[^a-z0-9-]*'),
  name TEXT NOT NULL CHECK (name <> ''),
  kind TEXT NOT NULL CHECK (kind <> ''),
  alignment TEXT NOT NULL CHECK (alignment IN ('ru', 'ua', 'independent')),
  url TEXT,
  notes TEXT,
  reliability TEXT NOT NULL DEFAULT 'F' CHECK (reliability IN ('A', 'B', 'C', 'D', 'E', 'F')),
  updated_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE claims (
  id INTEGER PRIMARY KEY,
  settlement_id TEXT NOT NULL REFERENCES settlements(id),
  source_id TEXT NOT NULL REFERENCES sources(id),
  holder TEXT NOT NULL CHECK (holder IN ('ru', 'ua', 'contested', 'unknown')),
  degree TEXT CHECK (degree IN ('full', 'partial', 'advance', 'presence', 'fighting', 'infiltration', 'encircled',
                                'attack-repelled')),
  valid_at TEXT NOT NULL CHECK (valid_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  valid_precision TEXT NOT NULL DEFAULT 'day' CHECK (valid_precision IN ('day', 'week', 'month')),
  published_at TEXT NOT NULL CHECK (published_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'
                                    AND published_at >= valid_at),
  recorded_at TEXT NOT NULL,
  relayed_by TEXT,
  relay_url TEXT,
  evidence TEXT NOT NULL CHECK (evidence IN ('geolocated-footage', 'official-statement', 'analyst-assessment',
                                             'milblogger-report', 'map-update')),
  summary TEXT NOT NULL CHECK (summary <> ''),
  credibility INTEGER NOT NULL DEFAULT 6 CHECK (credibility BETWEEN 1 AND 6),
  supersedes INTEGER REFERENCES claims(id),
  retracts INTEGER REFERENCES claims(id),
  CHECK (supersedes IS NULL OR retracts IS NULL),
  CHECK (degree IS NOT NULL OR holder = 'unknown' OR retracts IS NOT NULL)
);
CREATE INDEX claims_settlement ON claims(settlement_id, source_id);
CREATE INDEX claims_source ON claims(source_id);
CREATE UNIQUE INDEX claims_supersedes ON claims(supersedes) WHERE supersedes IS NOT NULL;
CREATE UNIQUE INDEX claims_retracts ON claims(retracts) WHERE retracts IS NOT NULL;

-- Append-only: nothing edits or deletes a claim. A correction is a new claim that supersedes or retracts one.
CREATE TRIGGER claims_no_update BEFORE UPDATE ON claims
BEGIN
  SELECT RAISE(ABORT, 'claims are append-only: record a claim that supersedes or retracts this one');
END;
CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims
BEGIN
  SELECT RAISE(ABORT, 'claims are append-only: record a claim that retracts this one');
END;
-- INSERT OR REPLACE deletes without firing delete triggers: refuse a taken id outright.
CREATE TRIGGER claims_no_replace BEFORE INSERT ON claims
WHEN EXISTS (SELECT 1 FROM claims WHERE id = NEW.id)
BEGIN
  SELECT RAISE(ABORT, 'claims are append-only: claim id already taken');
END;
-- A claim is corrected at most once, by a claim about the same settlement, and a retraction is never corrected.
CREATE TRIGGER claims_correct_once BEFORE INSERT ON claims
WHEN coalesce(NEW.supersedes, NEW.retracts) IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'claims: the corrected claim is already superseded or retracted')
  WHERE EXISTS (SELECT 1 FROM claims WHERE supersedes = coalesce(NEW.supersedes, NEW.retracts)
                                        OR retracts = coalesce(NEW.supersedes, NEW.retracts));
  SELECT RAISE(ABORT, 'claims: a correction must name an earlier claim about the same settlement that is not a retraction')
  WHERE NOT EXISTS (SELECT 1 FROM claims WHERE id = coalesce(NEW.supersedes, NEW.retracts)
                                          AND settlement_id = NEW.settlement_id AND retracts IS NULL);
END;
