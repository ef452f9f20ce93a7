-- revision: r0
-- revises: 
-- message: create t_r0

-- migrate:up
CREATE TABLE t_r0 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_r0;
