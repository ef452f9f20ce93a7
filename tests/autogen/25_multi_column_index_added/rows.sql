INSERT INTO logs (id, happened_at, level) VALUES (1, '2024-01-01 00:00:00', 'info');
