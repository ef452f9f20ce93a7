INSERT INTO users (other) VALUES ('a');
INSERT INTO users (other) VALUES ('b');
