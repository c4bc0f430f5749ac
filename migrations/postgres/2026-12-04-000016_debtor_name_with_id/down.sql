DROP INDEX dovuti_debtor_name;
CREATE INDEX dovuti_debtor_name ON dovuti ((upper(debtor_name) COLLATE "C"));
