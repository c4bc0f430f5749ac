-- Every imported or loaded dovuto pays for each index on dovuti. Nothing looks dovuti up
-- by notice number (the node's lookups go by entity and IUV, and the notice number is
-- derived from the IUV), and cart_id / plan_code are empty for most rows: index only the
-- rows that have them (an equality on the column still uses the index).
DROP INDEX dovuti_notice;
DROP INDEX dovuti_cart;
CREATE INDEX dovuti_cart ON dovuti (cart_id) WHERE cart_id IS NOT NULL;
DROP INDEX dovuti_plan;
CREATE INDEX dovuti_plan ON dovuti (entity_id, plan_code) WHERE plan_code IS NOT NULL;
