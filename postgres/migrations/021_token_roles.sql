-- Roles on tokens (issue 11): editor or admin. Tokens made before roles existed become admins.
ALTER TABLE tokens ADD COLUMN role text NOT NULL DEFAULT 'admin' CHECK (role IN ('editor', 'admin'));
