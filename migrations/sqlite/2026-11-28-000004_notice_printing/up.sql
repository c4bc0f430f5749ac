-- Payment notices: Poste's authorisation to print bollettini in-house (printed beside the
-- Data Matrix), instalment plans (dovuti of one plan share plan_code; instalment NULL is
-- the single-solution option, 1..n the instalments) and bulk notice zips built by a job.
ALTER TABLE due_types ADD COLUMN postal_authorisation TEXT;
ALTER TABLE dovuti ADD COLUMN plan_code TEXT;
ALTER TABLE dovuti ADD COLUMN instalment INTEGER;
CREATE INDEX dovuti_plan ON dovuti (entity_id, plan_code);

CREATE TABLE notice_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT, -- ids are in download links: never reused
    entity_id BIGINT NOT NULL REFERENCES entities(id),
    flusso_id BIGINT REFERENCES flussi(id),
    state TEXT NOT NULL,
    notices_total BIGINT NOT NULL DEFAULT 0,
    notices_done BIGINT NOT NULL DEFAULT 0,
    file_name TEXT NOT NULL,
    error_message TEXT,
    operator_id BIGINT REFERENCES operators(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    completed_at TEXT,
    CHECK (state IN ('queued', 'running', 'done', 'failed'))
);
CREATE INDEX notice_batches_entity ON notice_batches (entity_id, created_at);
