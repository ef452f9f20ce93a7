-- revision: 7e8f9a0b1c2d
-- revises: c0ffee000001
-- message: Create sessions
-- created: 2026-11-22T07:15:00Z

-- migrate:up
CREATE TABLE sessions (
    id VARCHAR(64) PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    expires_at VARCHAR(40) NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- migrate:down
DROP TABLE sessions;
