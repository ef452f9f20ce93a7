INSERT INTO posts (id, title) VALUES (1, 'hello');
INSERT INTO comments (id, post_id, body) VALUES (1, 1, 'first');
INSERT INTO comments (id, post_id, body) VALUES (2, 1, 'second');
