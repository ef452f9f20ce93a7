INSERT INTO address (id, email_address, qpr) VALUES (1, 'a@x.org', 'q');
INSERT INTO address (id, email_address, qpr) VALUES (2, 'b@x.org', 'q');
