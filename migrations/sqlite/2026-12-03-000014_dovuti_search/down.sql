DROP INDEX dovuti_due;
DROP INDEX dovuti_paid;
DROP INDEX dovuti_debtor_name;
DROP INDEX dovuti_state;
