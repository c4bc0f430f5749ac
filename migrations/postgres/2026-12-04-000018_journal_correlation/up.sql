-- A journal entry is looked up by the correlation id a fault or a log line names.
CREATE INDEX events_correlation ON events (correlation_id);
