-- revises:
-- message: m

-- migrate:up
CREATE TABLE t (id INTEGER);
