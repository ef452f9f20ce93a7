INSERT INTO accounts (id, balance) VALUES (1, 100);
INSERT INTO accounts (id, balance) VALUES (2, 50);
UPDATE accounts SET balance = 120 WHERE id = 1;
