-- revision: a1
-- revises: 
-- message: m

-- migrate:up
CREATE TABLE t (v TEXT);
/* a comment that never ends
DROP TABLE t;
