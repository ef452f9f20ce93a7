-- revision: 9d0e1f2a3b4c
-- revises: 1a2b3c4d5e6f
-- message: Create orders
-- created: 2026-11-22T06:45:00Z

-- migrate:up
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    total_cents INTEGER NOT NULL
);

-- migrate:down
DROP TABLE orders;
