-- The back office's dovuti search (db/models/dovuto_search.rs): a state across entities in
-- id order, a case-insensitive prefix of the debtor's name, and payment dates (paid rows
-- only: the index costs nothing when a flusso is imported). SQLite's indexes carry the
-- rowid, so each serves "newest first" by itself.
CREATE INDEX dovuti_state ON dovuti (state);
CREATE INDEX dovuti_debtor_name ON dovuti (upper(debtor_name));
CREATE INDEX dovuti_paid ON dovuti (paid_at) WHERE paid_at IS NOT NULL;
