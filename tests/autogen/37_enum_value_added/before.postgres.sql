CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE people (
    id integer PRIMARY KEY,
    mood mood
);
