ALTER TABLE dovuto_transfers DROP COLUMN stamp_province;
ALTER TABLE dovuto_transfers DROP COLUMN stamp_type;
ALTER TABLE dovuto_transfers DROP COLUMN stamp_hash;
ALTER TABLE due_types DROP COLUMN node_service_id;
