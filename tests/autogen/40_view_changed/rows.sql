INSERT INTO users (id, name, email, active) VALUES (1, 'ada', 'ada@x.org', 1);
INSERT INTO users (id, name, email, active) VALUES (2, 'old', NULL, 0);
