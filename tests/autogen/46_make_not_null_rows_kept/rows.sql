INSERT INTO notes (id, body) VALUES (1, 'one');
INSERT INTO notes (id, body) VALUES (2, 'two');
