-- Other names of registered sources, added by editors ("the MoD", a spokesman's name, a channel's handle), which the
-- report parser reads besides its built-in lexicon (report/lexicon/sources.tsv).
CREATE TABLE source_aliases (
  source_id TEXT NOT NULL REFERENCES sources(id),
  alias TEXT NOT NULL CHECK (alias <> ''),
  added_at TEXT NOT NULL,
  PRIMARY KEY (source_id, alias)
) WITHOUT ROWID;
