DROP INDEX dovuti_plan;
CREATE INDEX dovuti_plan ON dovuti (entity_id, plan_code);
DROP INDEX dovuti_cart;
CREATE INDEX dovuti_cart ON dovuti (cart_id);
CREATE INDEX dovuti_notice ON dovuti (notice_number);
