ALTER TABLE "import_batches" ADD COLUMN "heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL;
--> statement-breakpoint
-- The audit trail partitioned by month (issue 10, finding 5): old months can be detached and archived
-- whole, by the database owner, without a row ever being updated or deleted (docs/security.md, Audit
-- retention). Rows keep their ids; the append-only triggers hold on the parent and every partition.
ALTER TABLE "audit_log" RENAME TO "audit_log_unpartitioned";
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint DEFAULT nextval('audit_log_id_seq'::regclass) NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" integer,
	"username" text,
	"action" text NOT NULL,
	"object" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"ip" text,
	"user_agent" text,
	CONSTRAINT "audit_log_id_at_pk" PRIMARY KEY("id","at")
) PARTITION BY RANGE ("at");
--> statement-breakpoint
ALTER SEQUENCE "audit_log_id_seq" OWNED BY "audit_log"."id";
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
-- Rows of a month without its partition (written by hand, or before the partition existed).
CREATE TABLE "audit_log_default" PARTITION OF "audit_log" DEFAULT;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log_default
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
-- The partition of the month (UTC) holding `t`, created on first use (as the owner: the app's role need
-- not hold CREATE); returns its name. A month whose rows already sit in the default partition keeps
-- them there.
CREATE OR REPLACE FUNCTION audit_log_partition_for(t timestamptz) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
	m timestamp := date_trunc('month', t AT TIME ZONE 'UTC');
	part text := format('audit_log_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
BEGIN
	IF to_regclass(part) IS NOT NULL THEN
		RETURN part;
	END IF;
	BEGIN
		EXECUTE format('CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
			part, m AT TIME ZONE 'UTC', (m + interval '1 month') AT TIME ZONE 'UTC');
		EXECUTE format('CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON %I '
			'FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()', part);
	EXCEPTION
		WHEN duplicate_table THEN NULL;
		WHEN check_violation THEN RETURN 'audit_log_default';
	END;
	RETURN part;
END
$$;
--> statement-breakpoint
-- One audit entry, in its month's partition: what the app calls instead of a bare INSERT.
CREATE OR REPLACE FUNCTION audit_log_append(
	p_user_id integer, p_username text, p_action text, p_object text, p_detail jsonb, p_ip text,
	p_user_agent text
) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM audit_log_partition_for(now());
	INSERT INTO audit_log (user_id, username, action, object, detail, ip, user_agent)
	VALUES (p_user_id, p_username, p_action, p_object, p_detail, p_ip, p_user_agent);
END
$$;
--> statement-breakpoint
DO $$
DECLARE
	m timestamptz;
BEGIN
	FOR m IN SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
	         FROM audit_log_unpartitioned LOOP
		PERFORM audit_log_partition_for(m);
	END LOOP;
	PERFORM audit_log_partition_for(now());
END
$$;
--> statement-breakpoint
INSERT INTO "audit_log" SELECT * FROM "audit_log_unpartitioned";
--> statement-breakpoint
DROP TABLE "audit_log_unpartitioned";
--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");
--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action");
--> statement-breakpoint
-- Archiving a closed month (the database owner, docs/security.md): detach its partition, keep it
-- append-only on its own (detaching drops the triggers cloned from the parent), return its name to dump
-- and then drop. The current and future months are refused.
CREATE OR REPLACE FUNCTION audit_log_detach_month(month date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	m timestamp := date_trunc('month', month);
	part text := format('audit_log_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
BEGIN
	IF m >= date_trunc('month', now() AT TIME ZONE 'UTC') THEN
		RAISE EXCEPTION 'audit_log: % is not a closed month; only earlier months can be archived', to_char(m, 'YYYY-MM')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF to_regclass(part) IS NULL THEN
		RAISE EXCEPTION 'audit_log: no partition % (nothing recorded that month, or archived already)', part
			USING ERRCODE = 'undefined_table';
	END IF;
	EXECUTE format('ALTER TABLE audit_log DETACH PARTITION %I', part);
	EXECUTE format('CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON %I '
		'FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()', part);
	RETURN part;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION audit_log_detach_month(date) FROM PUBLIC;
