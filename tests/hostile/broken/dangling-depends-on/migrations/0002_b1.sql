-- revision: b1
-- revises: a1
-- message: create t_b1
-- depends-on: zz9
-- migrate:up
CREATE TABLE t_b1 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_b1;
