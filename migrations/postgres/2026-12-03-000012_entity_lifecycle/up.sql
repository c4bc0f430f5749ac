-- An entity may also be DISABILITATO; every change of state is recorded (who, when).
ALTER TABLE entities DROP CONSTRAINT entities_state_check;
ALTER TABLE entities ADD CONSTRAINT entities_state_check
    CHECK (state IN ('INSERITO', 'PRE-ESERCIZIO', 'ESERCIZIO', 'DISABILITATO'));
CREATE TABLE entity_state_changes (
    id BIGSERIAL PRIMARY KEY,
    entity_id BIGINT NOT NULL REFERENCES entities(id),
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    operator_id BIGINT REFERENCES operators(id),
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX entity_state_changes_entity ON entity_state_changes (entity_id, id);
