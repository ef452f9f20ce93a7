CREATE TABLE address (
    id integer PRIMARY KEY,
    email_address varchar(100) NOT NULL,
    qpr varchar(10),
    CONSTRAINT uq_email_address UNIQUE (email_address)
);
CREATE INDEX ix_address_qpr ON address (qpr);
