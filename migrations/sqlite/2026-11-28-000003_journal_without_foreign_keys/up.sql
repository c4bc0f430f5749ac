-- The journal is listed newest first by id, so its occurred_at index only cost writes.
DROP INDEX IF EXISTS events_occurred;
-- PostgreSQL also drops the event journal's foreign keys in this step (their checks were a
-- measurable cost there). SQLite checks them in-process for next to nothing, and would
-- need a table rebuild to drop them, so it keeps them.
