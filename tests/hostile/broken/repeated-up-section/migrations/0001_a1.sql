-- revision: a1
-- revises: 
-- message: m

-- migrate:up
CREATE TABLE t (id INTEGER PRIMARY KEY);
-- migrate:up
CREATE TABLE u (id INTEGER PRIMARY KEY);
