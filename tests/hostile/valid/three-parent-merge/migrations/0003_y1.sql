-- revision: y1
-- revises: r0
-- message: create t_y1
-- branch-labels: yline
-- migrate:up
CREATE TABLE t_y1 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_y1;
