DROP TABLE setup_tokens;
ALTER TABLE operator_entities DROP COLUMN manages;
ALTER TABLE operators DROP COLUMN password_changed_at;
ALTER TABLE operators DROP COLUMN must_change_password;
