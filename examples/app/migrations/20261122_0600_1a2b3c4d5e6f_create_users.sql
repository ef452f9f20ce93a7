-- revision: 1a2b3c4d5e6f
-- revises:
-- message: Create users
-- created: 2026-11-22T06:00:00Z

-- migrate:up
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

-- migrate:down
DROP TABLE users;
