CREATE TABLE departments (
    id integer PRIMARY KEY,
    manager_id integer
);
CREATE TABLE employees (
    id integer PRIMARY KEY,
    department_id integer
);
ALTER TABLE departments ADD CONSTRAINT fk_departments_manager FOREIGN KEY (manager_id) REFERENCES employees (id);
ALTER TABLE employees ADD CONSTRAINT fk_employees_department FOREIGN KEY (department_id) REFERENCES departments (id);
