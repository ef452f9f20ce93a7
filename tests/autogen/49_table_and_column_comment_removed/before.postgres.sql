CREATE TABLE some_table (
    test varchar(10) PRIMARY KEY,
    amount double precision
);
COMMENT ON TABLE some_table IS 'this is some table';
COMMENT ON COLUMN some_table.amount IS 'the amount';
