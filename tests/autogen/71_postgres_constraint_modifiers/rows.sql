INSERT INTO parents (a, b) VALUES (1, 1), (1, 2);
INSERT INTO items (id, code, a, b, qty, position) VALUES (1, 'x', 1, 1, 5, 1), (2, NULL, NULL, NULL, 3, 2), (3, 'y', 1, 2, 1, 3);
