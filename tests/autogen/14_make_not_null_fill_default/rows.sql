INSERT INTO users (id, city) VALUES (1, 'Oslo');
INSERT INTO users (id, city) VALUES (2, NULL);
INSERT INTO users (id, city) VALUES (3, NULL);
