DROP INDEX receipt_transfers_beneficiary;
DROP INDEX receipts_entity_received;
DROP INDEX receipts_entity_payment;
DROP TABLE download_tokens;
ALTER TABLE flussi DROP COLUMN due_type_codes;
ALTER TABLE flussi DROP COLUMN incremental;
ALTER TABLE flussi DROP COLUMN export_to;
ALTER TABLE flussi DROP COLUMN export_from;
