CREATE TABLE departments (
    id integer PRIMARY KEY,
    manager_id integer,
    CONSTRAINT fk_departments_manager FOREIGN KEY (manager_id) REFERENCES employees (id)
);
CREATE TABLE employees (
    id integer PRIMARY KEY,
    department_id integer,
    CONSTRAINT fk_employees_department FOREIGN KEY (department_id) REFERENCES departments (id)
);
