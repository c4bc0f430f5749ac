PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE entity_state_changes;
UPDATE entities SET state = 'PRE-ESERCIZIO' WHERE state = 'DISABILITATO';
CREATE TABLE entities_old AS SELECT * FROM entities;
DROP TABLE entities;
CREATE TABLE entities (
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
    CHECK (state IN ('INSERITO', 'PRE-ESERCIZIO', 'ESERCIZIO'))
);
INSERT INTO entities SELECT * FROM entities_old;
DROP TABLE entities_old;
COMMIT;
PRAGMA foreign_keys = ON;
