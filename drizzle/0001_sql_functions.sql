-- Parent of an H3 index at a coarser resolution, by bit arithmetic on the bigint form
-- (set the resolution field, set every digit finer than the target resolution to 7).
-- Same result as h3-js cellToParent; works on PostgreSQL and PGlite alike (no h3 extension needed).
CREATE OR REPLACE FUNCTION h3_parent(cell bigint, res integer) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT (cell & ~(15::bigint << 52) & ~((1::bigint << (3 * (15 - res))) - 1))
		| (res::bigint << 52)
		| ((1::bigint << (3 * (15 - res))) - 1)
$$;
--> statement-breakpoint
-- The audit trail is append-only: no update or delete through any connection of the product.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
