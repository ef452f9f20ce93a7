INSERT INTO users (id, name, a1, pw) VALUES (1, 'ada', 'hello', 'secret');
INSERT INTO address (id, email_address) VALUES (1, 'ada@x.org');
INSERT INTO orders (order_id, amount) VALUES (1, 12.50);
