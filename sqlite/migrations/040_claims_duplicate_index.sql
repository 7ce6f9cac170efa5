-- The duplicate check of every claim written (ledger.Writer.Duplicate) looks for a claim with the same settlement,
-- source and dates: index all four, so that it reads the one or two candidate rows rather than every claim of that
-- settlement and source. The new index serves every query the old (settlement_id, source_id) one did.
DROP INDEX IF EXISTS claims_settlement;
CREATE INDEX claims_settlement_dates ON claims(settlement_id, source_id, valid_at, published_at);
