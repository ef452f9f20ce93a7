INSERT INTO users (id, other) VALUES (1, 'a');
