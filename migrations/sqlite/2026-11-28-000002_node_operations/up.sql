-- paForNode needs: the Catalogo Servizi id (idServizio) of spontaneous due types for
-- paDemandPaymentNotice, and marca da bollo digitale requests on transfers (paGetPaymentV2).
ALTER TABLE due_types ADD COLUMN node_service_id TEXT;
ALTER TABLE dovuto_transfers ADD COLUMN stamp_hash TEXT;
ALTER TABLE dovuto_transfers ADD COLUMN stamp_type TEXT;
ALTER TABLE dovuto_transfers ADD COLUMN stamp_province TEXT;
