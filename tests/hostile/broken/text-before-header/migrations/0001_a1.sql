CREATE TABLE t (id INTEGER);
-- revision: a1
-- revises: 
-- message: m

-- migrate:up
CREATE TABLE u (id INTEGER PRIMARY KEY);
