-- revision: a1
-- revises: 
-- message: tricky text

-- migrate:up
CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(100));
-- a comment; with a semicolon and a quote: it's fine
INSERT INTO notes (id, body) VALUES (1, 'a; b; c');
INSERT INTO notes (id, body) VALUES (2, 'it''s; -- not a comment');
/* a block; comment
   over two lines; */
INSERT INTO notes (id, body) VALUES (3, '/* not a comment; */');

-- migrate:down
DROP TABLE notes;
