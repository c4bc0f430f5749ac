-- The audit trail: every back-office action of an operator (and every login, failed ones
-- included) with who, when, on what, and the values before and after (JSON). Not tied to
-- operators or entities by foreign keys: an entry outlives what it names.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    operator_id BIGINT,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_id BIGINT,
    target TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    remote_addr TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity_id, id);
CREATE INDEX audit_log_username ON audit_log (username, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_occurred ON audit_log (occurred_at, id);
