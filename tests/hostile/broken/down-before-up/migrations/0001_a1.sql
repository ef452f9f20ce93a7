-- revision: a1
-- revises:
-- message: m

-- migrate:down
DROP TABLE t;
-- migrate:up
CREATE TABLE t (id INTEGER);
