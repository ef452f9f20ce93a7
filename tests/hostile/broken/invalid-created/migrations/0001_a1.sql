-- revision: a1
-- revises: 
-- message: m
-- created: yesterday
-- migrate:up
CREATE TABLE t (id INTEGER PRIMARY KEY);
