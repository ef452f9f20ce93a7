CREATE TABLE accounts (
    id integer PRIMARY KEY,
    balance bigint NOT NULL
);
CREATE TABLE account_audit (
    account_id integer NOT NULL,
    old_balance integer,
    new_balance integer
);
CREATE TRIGGER trg_accounts_audit AFTER UPDATE OF balance ON accounts
BEGIN
    INSERT INTO account_audit (account_id, old_balance, new_balance) VALUES (old.id, old.balance, new.balance);
END;
