-- revision: b1
-- revises: a1
-- message: create t_b1

-- migrate:up
CREATE TABLE t_b1 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_b1;
