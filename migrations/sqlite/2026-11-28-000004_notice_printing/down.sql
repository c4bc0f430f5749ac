DROP TABLE notice_batches;
DROP INDEX dovuti_plan;
ALTER TABLE dovuti DROP COLUMN instalment;
ALTER TABLE dovuti DROP COLUMN plan_code;
ALTER TABLE due_types DROP COLUMN postal_authorisation;
