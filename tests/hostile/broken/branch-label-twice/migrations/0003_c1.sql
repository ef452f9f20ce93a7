-- revision: c1
-- revises: b1
-- message: create t_c1
-- branch-labels: feature
-- migrate:up
CREATE TABLE t_c1 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_c1;
