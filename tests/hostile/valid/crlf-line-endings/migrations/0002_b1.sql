-- revision: b1
-- revises: a1
-- message: m

-- migrate:up
INSERT INTO t_a1 (id) VALUES (1);
INSERT INTO t_a1 (id) VALUES (2);

-- migrate:down
DELETE FROM t_a1;
