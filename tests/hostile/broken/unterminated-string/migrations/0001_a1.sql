-- revision: a1
-- revises: 
-- message: m

-- migrate:up
CREATE TABLE t (v TEXT);
INSERT INTO t VALUES ('it's broken');
