-- revision: a1
-- revises: 
-- message: m
-- author: someone
-- migrate:up
CREATE TABLE t (id INTEGER PRIMARY KEY);
