DROP INDEX events_correlation;
