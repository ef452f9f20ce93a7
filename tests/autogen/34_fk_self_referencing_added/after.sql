CREATE TABLE employees (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL,
    manager_id integer,
    CONSTRAINT fk_employees_manager FOREIGN KEY (manager_id) REFERENCES employees (id)
);
