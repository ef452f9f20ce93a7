CREATE SCHEMA audit;
CREATE TABLE audit.accounts (id integer PRIMARY KEY);
CREATE TABLE accounts (id integer PRIMARY KEY);
CREATE TABLE log (id integer PRIMARY KEY, account_id integer);
