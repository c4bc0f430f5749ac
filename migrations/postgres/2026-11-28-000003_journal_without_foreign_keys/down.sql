ALTER TABLE events ADD CONSTRAINT events_entity_id_fkey FOREIGN KEY (entity_id) REFERENCES entities(id);
ALTER TABLE events ADD CONSTRAINT events_operator_id_fkey FOREIGN KEY (operator_id) REFERENCES operators(id);
CREATE INDEX events_occurred ON events (occurred_at);
