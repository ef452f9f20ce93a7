INSERT INTO events (id, created_at) VALUES (1, '2024-01-02 03:04:05');
INSERT INTO events (id, created_at) VALUES (2, '2024-02-03 04:05:06');
