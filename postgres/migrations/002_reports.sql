-- Reports pasted into the desk or posted to /api/reports, with what the parser found in them (JSON), as SQLite's
-- migration 010. Working material of the newsroom: never in public routes nor in exports.
CREATE TABLE reports (
  id bigserial PRIMARY KEY,
  title text NOT NULL DEFAULT '',
  outlet text NOT NULL DEFAULT '',
  url text NOT NULL DEFAULT '',
  published_at text NOT NULL,
  language text NOT NULL,
  text text NOT NULL,
  result text NOT NULL,
  claims integer NOT NULL DEFAULT 0,
  recorded_at timestamptz NOT NULL,
  recorded_by text NOT NULL DEFAULT ''
);
