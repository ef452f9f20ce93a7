CREATE TABLE tasks (
    id integer PRIMARY KEY,
    status varchar(10) NOT NULL,
    due date
);
CREATE INDEX ix_tasks_open_due ON tasks (due) WHERE status = 'open';
