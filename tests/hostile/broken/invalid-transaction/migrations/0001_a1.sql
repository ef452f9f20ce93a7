-- revision: a1
-- revises: 
-- message: m
-- transaction: maybe
-- migrate:up
CREATE TABLE t (id INTEGER PRIMARY KEY);
