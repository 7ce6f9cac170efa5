-- Roles on tokens and desk sessions (issue 11). Tokens made before roles existed become admins.
ALTER TABLE tokens ADD COLUMN role TEXT NOT NULL DEFAULT 'admin' CHECK (role IN ('editor', 'admin'));

-- A signed-in desk session: only the SHA-256 of the cookie's secret is stored. A session ends when its expiry
-- passes, when the editor signs out (ended_at), or when its token is revoked.
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  hash BLOB NOT NULL UNIQUE,
  token_id INTEGER NOT NULL REFERENCES tokens(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ended_at TEXT
);
CREATE INDEX sessions_token ON sessions(token_id);
