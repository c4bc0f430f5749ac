-- The back office runs the gateway: a password set by someone else must be changed at the
-- first login; an operator may administer the entities granted to it (its operators); the
-- first region administrator is created through a one-time setup link.
ALTER TABLE operators ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE operators ADD COLUMN password_changed_at TIMESTAMP;
ALTER TABLE operator_entities ADD COLUMN manages BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
