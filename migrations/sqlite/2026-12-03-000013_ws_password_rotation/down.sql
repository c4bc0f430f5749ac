ALTER TABLE entities DROP COLUMN ws_password_previous_until;
ALTER TABLE entities DROP COLUMN ws_password_previous_hash;
