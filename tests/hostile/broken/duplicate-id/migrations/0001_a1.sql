-- revision: a1
-- revises: 
-- message: create t_a1

-- migrate:up
CREATE TABLE t_a1 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_a1;
