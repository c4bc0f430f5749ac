DROP INDEX dovuti_due;
DROP INDEX dovuti_paid;
DROP INDEX dovuti_debtor_name;
DROP INDEX dovuti_debtor;
CREATE INDEX dovuti_debtor ON dovuti (debtor_id);
DROP INDEX dovuti_due_type;
CREATE INDEX dovuti_due_type ON dovuti (due_type_id);
DROP INDEX dovuti_state;
