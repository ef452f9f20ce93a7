INSERT INTO some_table (id, test) VALUES (1, 'a');
INSERT INTO users (id, name, tid) VALUES (1, 'ada', 1);
