ALTER TABLE entities DROP COLUMN notice_language;
