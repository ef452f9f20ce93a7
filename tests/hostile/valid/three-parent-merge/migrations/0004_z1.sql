-- revision: z1
-- revises: r0
-- message: create t_z1
-- branch-labels: zline
-- migrate:up
CREATE TABLE t_z1 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_z1;
