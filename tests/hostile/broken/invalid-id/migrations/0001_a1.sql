-- revision: a 1
-- revises: 
-- message: m

-- migrate:up
CREATE TABLE t (id INTEGER PRIMARY KEY);
