ALTER TABLE dovuti ADD CONSTRAINT dovuti_entity_id_fkey FOREIGN KEY (entity_id) REFERENCES entities(id);
ALTER TABLE dovuti ADD CONSTRAINT dovuti_due_type_id_fkey FOREIGN KEY (due_type_id) REFERENCES due_types(id);
ALTER TABLE dovuti ADD CONSTRAINT dovuti_flusso_id_fkey FOREIGN KEY (flusso_id) REFERENCES flussi(id);
ALTER TABLE dovuti ADD CONSTRAINT dovuti_cart_id_fkey FOREIGN KEY (cart_id) REFERENCES carts(id);
