INSERT INTO users (id, nickname) VALUES (1, 'a');
INSERT INTO users (id, nickname) VALUES (2, 'b');
