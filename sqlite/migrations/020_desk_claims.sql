-- The desk (issue 11): where a claim was read and editorial retractions.
-- report_*: the claim's provenance when it was accepted from a report's proposal (report id, proposal index, the
-- span of the report's text, and the outlet, date and URL the public may see; never the text). editorial_reason: an
-- admin's reason for withdrawing a claim recorded in error. ALTER TABLE … ADD COLUMN rewrites no row and fires no
-- trigger, so the append-only triggers of 002 stand.
ALTER TABLE claims ADD COLUMN editorial_reason TEXT CHECK (editorial_reason IS NULL OR retracts IS NOT NULL);
ALTER TABLE claims ADD COLUMN report_id INTEGER;
ALTER TABLE claims ADD COLUMN report_proposal INTEGER;
ALTER TABLE claims ADD COLUMN report_start INTEGER;
ALTER TABLE claims ADD COLUMN report_end INTEGER;
ALTER TABLE claims ADD COLUMN report_outlet TEXT;
ALTER TABLE claims ADD COLUMN report_published TEXT;
ALTER TABLE claims ADD COLUMN report_url TEXT;

-- What the desk decided about each proposal of a report: accepted (with the claim it became) or rejected. One row per
-- proposal: two editors deciding the same proposal at once cannot both win. Working material of the newsroom: never
-- exported.
CREATE TABLE proposal_reviews (
  report_id INTEGER NOT NULL,
  proposal INTEGER NOT NULL CHECK (proposal >= 0),
  decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
  claim_id INTEGER REFERENCES claims(id),
  reviewed_by TEXT NOT NULL,
  reviewed_at TEXT NOT NULL,
  reason TEXT,
  PRIMARY KEY (report_id, proposal),
  CHECK ((decision = 'accepted') = (claim_id IS NOT NULL))
) WITHOUT ROWID;
