-- paaSILAutorizzaImportFlusso hands out an authorisation token for the upload of one
-- flusso; only its SHA-256 is kept.
ALTER TABLE flussi ADD COLUMN upload_token_hash TEXT;
