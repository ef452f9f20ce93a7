INSERT INTO some_table (id, test) VALUES (1, 'one');
INSERT INTO some_table (id, test) VALUES (2, 'two');
INSERT INTO users (id, name, a1, test2) VALUES (1, 'ada', 'x', 1);
INSERT INTO users (id, name, a1, test2) VALUES (2, 'bob', 'y', NULL);
