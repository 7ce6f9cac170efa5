-- Other names of registered sources, added by editors, which the report parser reads besides its built-in lexicon
-- (SQLite's migration 011). And the index of SQLite's 040: the duplicate check of every claim written looks for a
-- claim with the same settlement, source and dates.
CREATE TABLE source_aliases (
  source_id text NOT NULL REFERENCES sources (id),
  alias text NOT NULL CHECK (alias <> ''),
  added_at timestamptz NOT NULL,
  PRIMARY KEY (source_id, alias)
);
DROP INDEX IF EXISTS claims_settlement;
CREATE INDEX claims_settlement_dates ON claims (settlement_id, source_id, valid_at, published_at);
