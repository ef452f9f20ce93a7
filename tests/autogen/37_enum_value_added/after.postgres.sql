CREATE TYPE mood AS ENUM ('sad', 'happy', 'ok');
CREATE TABLE people (
    id integer PRIMARY KEY,
    mood mood
);
