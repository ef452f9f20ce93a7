INSERT INTO order_lines (order_id, line_no, sku) VALUES (1, 1, 'A-1');
INSERT INTO order_lines (order_id, line_no, sku) VALUES (2, 1, 'B-2');
