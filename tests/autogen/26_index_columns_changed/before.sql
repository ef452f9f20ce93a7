CREATE TABLE people (
    id integer PRIMARY KEY,
    first_name varchar(30),
    last_name varchar(30)
);
CREATE INDEX ix_people_name ON people (last_name);
