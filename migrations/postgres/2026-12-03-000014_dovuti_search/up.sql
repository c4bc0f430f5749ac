-- The back office's dovuti search (db/models/dovuto_search.rs): newest first by id within a
-- state, a due type or a debtor, a case-insensitive prefix of the debtor's name (byte
-- order, whatever the database's collation, so that a range is exactly a prefix), and
-- payment dates (paid rows only: nothing to maintain when a flusso is imported) and due
-- dates, the two ranges read in their index's order.
CREATE INDEX dovuti_state ON dovuti (state, id);
DROP INDEX dovuti_due_type;
CREATE INDEX dovuti_due_type ON dovuti (due_type_id, id);
DROP INDEX dovuti_debtor;
CREATE INDEX dovuti_debtor ON dovuti (debtor_id, id);
CREATE INDEX dovuti_debtor_name ON dovuti ((upper(debtor_name) COLLATE "C"));
CREATE INDEX dovuti_paid ON dovuti (paid_at, id) WHERE paid_at IS NOT NULL;
CREATE INDEX dovuti_due ON dovuti (due_date, id) WHERE due_date IS NOT NULL;
