DROP TABLE entity_state_changes;
UPDATE entities SET state = 'PRE-ESERCIZIO' WHERE state = 'DISABILITATO';
ALTER TABLE entities DROP CONSTRAINT entities_state_check;
ALTER TABLE entities ADD CONSTRAINT entities_state_check
    CHECK (state IN ('INSERITO', 'PRE-ESERCIZIO', 'ESERCIZIO'));
