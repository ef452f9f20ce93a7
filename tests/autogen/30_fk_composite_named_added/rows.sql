INSERT INTO some_table (id_1, id_2) VALUES ('a', 'b');
INSERT INTO users (id, name, other_id_1, other_id_2) VALUES (1, 'ada', 'a', 'b');
