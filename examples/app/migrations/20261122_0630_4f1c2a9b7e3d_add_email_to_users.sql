-- revision: 4f1c2a9b7e3d
-- revises: 1a2b3c4d5e6f
-- message: Add email to users
-- created: 2026-11-22T06:30:00Z

-- migrate:up
ALTER TABLE users ADD COLUMN email TEXT;

-- migrate:down
ALTER TABLE users DROP COLUMN email;
