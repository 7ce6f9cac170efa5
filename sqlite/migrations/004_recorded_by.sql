-- Who wrote each claim into the ledger: the write token's name for the HTTP API, "cli:USER" for the command line
-- ("cli:USER import FILE" for a CSV import); NULL for claims recorded before this column existed. ALTER TABLE … ADD COLUMN
-- rewrites no row and fires no trigger, so the append-only triggers of 002 stand untouched.
ALTER TABLE claims ADD COLUMN recorded_by TEXT;
