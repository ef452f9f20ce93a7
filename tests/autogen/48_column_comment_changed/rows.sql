INSERT INTO some_table (test, amount) VALUES ('a', 1.5);
