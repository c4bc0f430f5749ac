-- The language an entity's payment notices are printed in (ISO 639-1).
ALTER TABLE entities ADD COLUMN notice_language TEXT NOT NULL DEFAULT 'it'
    CHECK (notice_language IN ('it', 'de', 'en'));
