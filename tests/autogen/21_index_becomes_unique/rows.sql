INSERT INTO orders (order_id, amount, user_id) VALUES (1, 9.50, 1);
INSERT INTO orders (order_id, amount, user_id) VALUES (2, 3.25, 1);
