-- revision: a1
-- revises: 
-- message: m
-- message: again
-- migrate:up
CREATE TABLE t (id INTEGER PRIMARY KEY);
