-- dovuti is the table flussi write a million rows at a time. On PostgreSQL each foreign
-- key is a row-level trigger that looks up and share-locks the parent for every inserted
-- row: the four of dovuti took half the time of moving 1,000,000 rows into it (benches/
-- flussi.sh). Their parents are never deleted (entities and due types are deactivated,
-- flussi and carts kept), and every writer takes these ids from rows it has just read, so
-- the references are kept by the code that writes them. SQLite keeps its checks: there they
-- are a probe of the parent's rowid, a tenth of the insert time.
ALTER TABLE dovuti DROP CONSTRAINT dovuti_entity_id_fkey;
ALTER TABLE dovuti DROP CONSTRAINT dovuti_due_type_id_fkey;
ALTER TABLE dovuti DROP CONSTRAINT dovuti_flusso_id_fkey;
ALTER TABLE dovuti DROP CONSTRAINT dovuti_cart_id_fkey;
