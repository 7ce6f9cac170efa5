-- Source names and kinds in Ukrainian and Russian (issue 12), as in SQLite's migration 050: the map, the table and
-- the About panel show each source in the page's language. NULL means no translation: the English one is shown.
ALTER TABLE sources ADD COLUMN name_uk TEXT;
ALTER TABLE sources ADD COLUMN name_ru TEXT;
ALTER TABLE sources ADD COLUMN kind_uk TEXT;
ALTER TABLE sources ADD COLUMN kind_ru TEXT;
