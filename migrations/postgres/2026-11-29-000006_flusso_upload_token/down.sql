ALTER TABLE flussi DROP COLUMN upload_token_hash;
