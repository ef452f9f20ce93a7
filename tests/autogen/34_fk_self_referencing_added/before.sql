CREATE TABLE employees (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL,
    manager_id integer
);
