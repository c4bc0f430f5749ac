-- When an import's current run started and how many rows were done by then: the flussi
-- page shows its rate (rows per second) while it runs.
ALTER TABLE flussi ADD COLUMN started_at TEXT;
ALTER TABLE flussi ADD COLUMN started_rows BIGINT NOT NULL DEFAULT 0;
