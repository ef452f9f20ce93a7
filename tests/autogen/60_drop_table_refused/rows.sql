INSERT INTO users (id, name) VALUES (1, 'ada');
INSERT INTO users (id, name) VALUES (2, 'grace');
INSERT INTO users (id, name) VALUES (3, 'linus');
INSERT INTO audit_log (id, message) VALUES (1, 'created');
