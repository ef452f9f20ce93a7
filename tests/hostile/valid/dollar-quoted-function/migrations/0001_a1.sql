-- revision: a1
-- revises: 
-- message: a function with a body

-- migrate:up
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
CREATE FUNCTION note_count() RETURNS BIGINT AS $$
  SELECT count(*) FROM notes; -- a semicolon; inside
$$ LANGUAGE sql;
CREATE FUNCTION shout(t TEXT) RETURNS TEXT AS $body$
BEGIN
  RETURN upper(t) || '!;';
END;
$body$ LANGUAGE plpgsql;

-- migrate:down
DROP FUNCTION shout(TEXT);
DROP FUNCTION note_count();
DROP TABLE notes;
