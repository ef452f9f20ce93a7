INSERT INTO line_items (id, price, qty) VALUES (1, 3, 4);
INSERT INTO line_items (id, price, qty) VALUES (2, 10, 1);
