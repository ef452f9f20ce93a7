-- revision: a1
-- revises: 
-- message: m

-- migrate:up
INSERT INTO t VALUES ('café');
