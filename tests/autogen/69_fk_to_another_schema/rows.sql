INSERT INTO audit.accounts (id) VALUES (7);
INSERT INTO log (id, account_id) VALUES (1, 7);
