INSERT INTO scores (id, points) VALUES (1, 0);
INSERT INTO scores (id, points) VALUES (2, 100);
INSERT INTO scores (id, points) VALUES (3, 42);
