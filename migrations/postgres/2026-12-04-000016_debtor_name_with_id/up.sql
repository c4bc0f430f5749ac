-- The debtor-name index carries the id: a name's page of ids and its capped count are read
-- from the index alone (index-only scans), and the rows of one exact name come out newest
-- first without a sort. (SQLite's indexes carry the rowid already.)
DROP INDEX dovuti_debtor_name;
CREATE INDEX dovuti_debtor_name ON dovuti ((upper(debtor_name) COLLATE "C"), id);
