DROP TABLE flusso_rejects;
