-- revision: a1
-- revises: 
-- message: m

-- migrate:up
CREATE TABLE t (id INTEGER PRIMARY KEY);
-- migrate:sideways
SELECT 1;
