CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, email text);
CREATE FUNCTION add_one(i integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT i + 1 $$;
