-- Invitations: an account created by an administrator whose holder chooses the password
-- through a one-time link sent by e-mail (stored hashed, expiring, used at most once).
CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY NOT NULL,
    operator_id BIGINT NOT NULL REFERENCES operators (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX invitations_operator ON invitations (operator_id);
-- Every e-mail the gateway sends, written in the transaction that decides it and sent by
-- the mail job (retried with backoff), never inside a request.
CREATE TABLE mail_outbox (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at TIMESTAMP
);
