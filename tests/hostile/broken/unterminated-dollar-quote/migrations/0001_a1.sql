-- revision: a1
-- revises: 
-- message: m

-- migrate:up
CREATE TABLE t (v TEXT);
CREATE FUNCTION f() RETURNS TEXT AS $$
  SELECT 'x';
