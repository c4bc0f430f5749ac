ALTER TABLE flussi DROP COLUMN started_rows;
ALTER TABLE flussi DROP COLUMN started_at;
