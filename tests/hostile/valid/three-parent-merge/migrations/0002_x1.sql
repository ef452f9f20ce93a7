-- revision: x1
-- revises: r0
-- message: create t_x1
-- branch-labels: xline
-- migrate:up
CREATE TABLE t_x1 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_x1;
