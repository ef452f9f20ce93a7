INSERT INTO employees (id, name, manager_id) VALUES (1, 'boss', NULL);
INSERT INTO employees (id, name, manager_id) VALUES (2, 'worker', 1);
