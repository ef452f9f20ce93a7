INSERT INTO products (id, name, price) VALUES (1, 'pen', 1.50);
INSERT INTO products (id, name, price) VALUES (2, 'ink', 0.00);
