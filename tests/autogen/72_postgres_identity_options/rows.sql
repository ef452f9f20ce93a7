INSERT INTO tickets (title) VALUES ('a'), ('b');
INSERT INTO invoices (total) VALUES (5);
