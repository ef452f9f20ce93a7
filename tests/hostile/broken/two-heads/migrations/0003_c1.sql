-- revision: c1
-- revises: a1
-- message: create t_c1

-- migrate:up
CREATE TABLE t_c1 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_c1;
