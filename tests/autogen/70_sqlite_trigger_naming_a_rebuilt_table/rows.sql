INSERT INTO parent (id, name) VALUES (1, 'a'), (2, 'b');
INSERT INTO child (id, parent_id) VALUES (1, 1), (2, 1);
