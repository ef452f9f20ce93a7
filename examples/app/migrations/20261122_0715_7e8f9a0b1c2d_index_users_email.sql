-- revision: 7e8f9a0b1c2d
-- revises: c0ffee000001
-- message: Index users by email
-- created: 2026-11-22T07:15:00Z

-- migrate:up
CREATE UNIQUE INDEX users_email ON users (email);

-- migrate:down
DROP INDEX users_email;
