-- The insert trigger asks whether the corrected claim is already superseded or retracted with two lookups, each on
-- its unique partial index. "supersedes = target OR retracts = target" was planned once per session, while an
-- import's claims table was still small, as a scan of every claim: a 1M-claim import slowed with each row
-- (issue 14, "Both stores at 1M").
CREATE OR REPLACE FUNCTION claims_check_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE target bigint := coalesce(NEW.supersedes, NEW.retracts);
BEGIN
  IF EXISTS (SELECT 1 FROM claims WHERE id = NEW.id) THEN
    RAISE EXCEPTION 'claims are append-only: claim id already taken';
  END IF;
  IF target IS NOT NULL THEN
    IF EXISTS (SELECT 1 FROM claims WHERE supersedes = target) OR EXISTS (SELECT 1 FROM claims WHERE retracts = target) THEN
      RAISE EXCEPTION 'claims: the corrected claim is already superseded or retracted';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM claims WHERE id = target AND settlement_id = NEW.settlement_id AND retracts IS NULL) THEN
      RAISE EXCEPTION 'claims: a correction must name an earlier claim about the same settlement that is not a retraction';
    END IF;
  END IF;
  RETURN NEW;
END $$;
