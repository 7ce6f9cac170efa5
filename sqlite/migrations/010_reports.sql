-- Reports pasted into the desk or posted to /api/reports, with what the parser found in them (JSON). Working
-- material of the newsroom: never in public routes, and dropped from exported snapshots.
CREATE TABLE reports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  title TEXT NOT NULL DEFAULT '',
  outlet TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  published_at TEXT NOT NULL,
  language TEXT NOT NULL,
  text TEXT NOT NULL,
  result TEXT NOT NULL,
  claims INTEGER NOT NULL DEFAULT 0,
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL DEFAULT ''
);
