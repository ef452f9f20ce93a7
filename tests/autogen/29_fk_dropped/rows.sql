INSERT INTO some_table (test) VALUES ('t1');
INSERT INTO users (id, name, a1, test2) VALUES (1, 'ada', 'x', 't1');
