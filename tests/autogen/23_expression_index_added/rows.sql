INSERT INTO users (id, email) VALUES (1, 'A@x.org');
