INSERT INTO col_change (x, y) VALUES (1, 1);
INSERT INTO col_change (x, y) VALUES (2, 1);
