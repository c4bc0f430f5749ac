-- The back office's dovuti search (db/models/dovuto_search.rs): a state across entities in
-- id order, a case-insensitive prefix of the debtor's name, payment dates (paid rows only:
-- the index costs nothing when a flusso is imported) and due dates, the two ranges read in
-- their index's order. SQLite's indexes carry the rowid: each serves its order with the
-- id as the tie-break.
CREATE INDEX dovuti_state ON dovuti (state);
CREATE INDEX dovuti_debtor_name ON dovuti (upper(debtor_name));
CREATE INDEX dovuti_paid ON dovuti (paid_at) WHERE paid_at IS NOT NULL;
CREATE INDEX dovuti_due ON dovuti (due_date) WHERE due_date IS NOT NULL;
