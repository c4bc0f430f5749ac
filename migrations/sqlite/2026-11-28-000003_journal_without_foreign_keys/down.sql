CREATE INDEX events_occurred ON events (occurred_at);
