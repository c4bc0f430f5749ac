DROP TABLE mail_outbox;
DROP TABLE invitations;
