CREATE TABLE users (
    id integer PRIMARY KEY
);
CREATE TABLE counters (
    id integer NOT NULL AUTO_INCREMENT PRIMARY KEY,
    label varchar(20) NOT NULL
);
