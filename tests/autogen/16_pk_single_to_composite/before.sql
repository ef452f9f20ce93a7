CREATE TABLE order_lines (
    order_id integer NOT NULL,
    line_no integer NOT NULL,
    sku varchar(20),
    CONSTRAINT order_lines_pkey PRIMARY KEY (order_id)
);
