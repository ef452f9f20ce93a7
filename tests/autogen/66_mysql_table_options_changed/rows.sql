INSERT INTO blobs (id, data) VALUES (1, 'abc');
