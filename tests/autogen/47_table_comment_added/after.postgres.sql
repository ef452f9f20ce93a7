CREATE TABLE some_table (
    test varchar(10) PRIMARY KEY
);
COMMENT ON TABLE some_table IS 'this is some table';
