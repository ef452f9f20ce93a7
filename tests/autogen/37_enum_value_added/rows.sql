INSERT INTO people (id, mood) VALUES (1, 'sad');
INSERT INTO people (id, mood) VALUES (2, 'happy');
