INSERT INTO orders (id, status) VALUES (1, 'paid');
INSERT INTO orders (id, status) VALUES (2, 'new');
