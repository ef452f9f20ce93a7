CREATE TABLE people (
    id integer PRIMARY KEY,
    mood enum('sad','happy')
);
