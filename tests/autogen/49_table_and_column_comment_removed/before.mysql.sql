CREATE TABLE some_table (
    test varchar(10) PRIMARY KEY,
    amount double COMMENT 'the amount'
) COMMENT = 'this is some table';
