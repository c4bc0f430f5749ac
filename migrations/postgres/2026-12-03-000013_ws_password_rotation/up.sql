-- A new web-service password does not lock the entity's software out at once: the previous
-- one keeps working until ws_password_previous_until.
ALTER TABLE entities ADD COLUMN ws_password_previous_hash TEXT;
ALTER TABLE entities ADD COLUMN ws_password_previous_until TIMESTAMP;
