INSERT INTO customers (id, name) VALUES (1, 'acme');
INSERT INTO customers (id, name) VALUES (2, 'initech');
