INSERT INTO items (id, qty) VALUES (1, 10);
INSERT INTO items (id, qty) VALUES (2, 2147483647);
INSERT INTO items (id, qty) VALUES (3, -5);
