-- An entity may also be DISABILITATO; every change of state is recorded (who, when).
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt (SQLite's own
-- procedure: foreign keys off, new table, copy, drop, rename, check, foreign keys on).
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE entities_new (
    id INTEGER PRIMARY KEY,
    cod_ipa TEXT NOT NULL UNIQUE,
    fiscal_code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    sector TEXT,
    email TEXT,
    contact_info TEXT,
    address TEXT,
    civic_number TEXT,
    postal_code TEXT,
    city TEXT,
    province TEXT,
    country TEXT,
    state TEXT NOT NULL DEFAULT 'INSERITO',
    station_id BIGINT REFERENCES stations(id),
    segregation_code TEXT NOT NULL,
    application_code TEXT,
    cbill_code TEXT,
    ws_password_hash TEXT,
    return_url TEXT,
    logo BLOB,
    logo_mime TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (state IN ('INSERITO', 'PRE-ESERCIZIO', 'ESERCIZIO', 'DISABILITATO'))
);
INSERT INTO entities_new SELECT * FROM entities;
DROP TABLE entities;
ALTER TABLE entities_new RENAME TO entities;
CREATE TABLE entity_state_changes (
    id INTEGER PRIMARY KEY,
    entity_id BIGINT NOT NULL REFERENCES entities(id),
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    operator_id BIGINT REFERENCES operators(id),
    changed_at TEXT NOT NULL
);
CREATE INDEX entity_state_changes_entity ON entity_state_changes (entity_id, id);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
