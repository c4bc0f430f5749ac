-- A station carries the application code of its aux-digit-0 notices and the password the
-- node's reporting services (nodoChiediElencoFlussiRendicontazione…) ask of it.
ALTER TABLE stations ADD COLUMN application_code TEXT;
ALTER TABLE stations ADD COLUMN node_password TEXT;
