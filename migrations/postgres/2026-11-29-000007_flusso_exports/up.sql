-- Exports of paid dovuti (paaSILPrenotaExportFlusso, ...IncrementaleConRicevuta) and of
-- expired ones (paaSILPrenotaExportFlussoScaduti) are flussi with direction EXPORT.
-- Paid exports select receipts in [export_from, export_to) (UTC): by payment time, or by
-- arrival time when incremental. Scaduti exports keep the due types asked for.
ALTER TABLE flussi ADD COLUMN export_from TIMESTAMP;
ALTER TABLE flussi ADD COLUMN export_to TIMESTAMP;
ALTER TABLE flussi ADD COLUMN incremental BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE flussi ADD COLUMN due_type_codes TEXT;

-- A download URL handed out for a finished export: only the token's SHA-256 is kept and
-- it stops working at expires_at.
CREATE TABLE download_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    flusso_id BIGINT NOT NULL REFERENCES flussi(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX download_tokens_expiry ON download_tokens (expires_at);
-- Exports read an entity's receipts by payment time, or by arrival for incremental
-- ones, in that order. A receipt without a payment time is dated at its arrival (as
-- every reader of the column already did).
UPDATE receipts SET payment_at = received_at WHERE payment_at IS NULL;
CREATE INDEX receipts_entity_payment ON receipts (entity_id, payment_at);
CREATE INDEX receipts_entity_received ON receipts (entity_id, received_at);
-- Tracciato 1.3 also lists the payments other entities collected with a share for us.
CREATE INDEX receipt_transfers_beneficiary ON receipt_transfers (fiscal_code_pa);
