CREATE TABLE scores (
    id integer PRIMARY KEY,
    points integer NOT NULL
);
