-- revision: head
-- revises: 
-- message: m

-- migrate:up
CREATE TABLE t (id INTEGER PRIMARY KEY);
