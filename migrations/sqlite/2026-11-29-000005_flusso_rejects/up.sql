-- Rows of an imported flusso that were rejected, with MyPay's code and description and
-- the row as it was sent (for the _SCARTI.csv file). Written in the same transaction as
-- the accepted rows of their chunk, so a resumed import neither loses nor doubles any.
CREATE TABLE flusso_rejects (
    id INTEGER PRIMARY KEY,
    flusso_id BIGINT NOT NULL REFERENCES flussi(id) ON DELETE CASCADE,
    row_number BIGINT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    line TEXT NOT NULL,
    UNIQUE (flusso_id, row_number)
);
