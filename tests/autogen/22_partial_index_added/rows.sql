INSERT INTO tasks (id, status, due) VALUES (1, 'open', '2024-05-01');
INSERT INTO tasks (id, status, due) VALUES (2, 'done', NULL);
