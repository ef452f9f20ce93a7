CREATE TABLE users (
    id integer PRIMARY KEY
);
CREATE TABLE counters (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label varchar(20) NOT NULL
);
