INSERT INTO parents (a, b) VALUES (1, 1), (1, 2);
INSERT INTO items (id, code, a, b, qty) VALUES (1, 'x', 1, 1, 5), (2, NULL, NULL, NULL, 3), (3, 'y', 1, 2, 1);
