CREATE TABLE users (
    id integer NOT NULL,
    other text
);
