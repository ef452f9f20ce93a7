CREATE TABLE tasks (
    id integer PRIMARY KEY,
    status varchar(10) NOT NULL,
    due date
);
