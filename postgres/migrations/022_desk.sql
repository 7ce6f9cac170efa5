-- The desk (issue 11), as SQLite's migrations 020 and 021: where a claim was read (report_*) and editorial
-- retractions on claims; the desk's decisions about proposed claims; signed-in desk sessions. ALTER TABLE … ADD
-- COLUMN rewrites no row and fires no row trigger, so the append-only triggers stand.
ALTER TABLE claims ADD COLUMN editorial_reason text CHECK (editorial_reason IS NULL OR retracts IS NOT NULL);
ALTER TABLE claims ADD COLUMN report_id bigint;
ALTER TABLE claims ADD COLUMN report_proposal integer;
ALTER TABLE claims ADD COLUMN report_start integer;
ALTER TABLE claims ADD COLUMN report_end integer;
ALTER TABLE claims ADD COLUMN report_outlet text;
ALTER TABLE claims ADD COLUMN report_published text;
ALTER TABLE claims ADD COLUMN report_url text;

-- One row per proposal: two editors deciding the same proposal at once cannot both win. Never exported.
CREATE TABLE proposal_reviews (
  report_id bigint NOT NULL,
  proposal integer NOT NULL CHECK (proposal >= 0),
  decision text NOT NULL CHECK (decision IN ('accepted', 'rejected')),
  claim_id bigint REFERENCES claims (id),
  reviewed_by text NOT NULL,
  reviewed_at timestamptz NOT NULL,
  reason text,
  PRIMARY KEY (report_id, proposal),
  CHECK ((decision = 'accepted') = (claim_id IS NOT NULL))
);

-- A signed-in desk session: only the SHA-256 of the cookie's secret is stored.
CREATE TABLE sessions (
  id bigserial PRIMARY KEY,
  hash bytea NOT NULL UNIQUE,
  token_id bigint NOT NULL REFERENCES tokens (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ended_at timestamptz
);
CREATE INDEX sessions_token ON sessions (token_id);
