ALTER TABLE stations DROP COLUMN node_password;
ALTER TABLE stations DROP COLUMN application_code;
