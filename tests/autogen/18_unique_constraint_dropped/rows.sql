INSERT INTO something_changed (id, sid, label, fid) VALUES (1, 1, 'a', 1);
INSERT INTO something_changed (id, sid, label, fid) VALUES (2, 1, 'b', 2);
