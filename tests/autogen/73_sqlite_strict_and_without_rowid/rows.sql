INSERT INTO notes (id, body) VALUES (1, 'a'), (2, 'b');
INSERT INTO tags (name, uses) VALUES ('x', 1), ('y', 2);
