INSERT INTO codes (id, code) VALUES (1, 100);
INSERT INTO codes (id, code) VALUES (2, 200);
