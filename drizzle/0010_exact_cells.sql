CREATE TABLE "cell_counts" (
	"res" smallint NOT NULL,
	"grain" text NOT NULL,
	"h3" bigint NOT NULL,
	"period" date NOT NULL,
	"category" text NOT NULL,
	"source_id" integer NOT NULL,
	"n" integer NOT NULL,
	"harm" real DEFAULT 0 NOT NULL,
	"sensitive" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "cell_counts_res_grain_h3_period_category_source_id_pk" PRIMARY KEY("res","grain","h3","period","category","source_id")
);
--> statement-breakpoint
CREATE TABLE "rollup_edits" (
	"id" smallint PRIMARY KEY NOT NULL,
	"edits" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "h3_r5" bigint;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "h3_r6" bigint;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "h3_r7" bigint;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "h3_r8" bigint;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "h3_r9" bigint;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "h3_r10" bigint;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "local_day" date;--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "h3_r10" bigint;--> statement-breakpoint
ALTER TABLE "cell_counts" ADD CONSTRAINT "cell_counts_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cell_counts_period_idx" ON "cell_counts" USING btree ("res","grain","period");--> statement-breakpoint
CREATE INDEX "incidents_cells_pending_idx" ON "incidents" USING btree ("source_id","id") WHERE "incidents"."local_day" IS NULL;--> statement-breakpoint
-- Reviewed; the rest is written by hand. The old rollup counted a point in the parents of its
-- resolution-10 cell, which is often not the cell the point lies in: it is dropped, and `cell_counts`
-- is filled from the incidents as the application's migration step (db/exact-cells-backfill.ts)
-- gives each stored incident its exact cells and local day (rows with local_day NULL are its queue).
DROP TABLE "cell_day_counts";
--> statement-breakpoint
INSERT INTO "rollup_edits" ("id", "edits") VALUES (1, 0);
--> statement-breakpoint
-- The rollup keys of one incident: its own cell at each served resolution (5–11) × the day, month and
-- year holding its local day. None for an incident without a location or without a local day.
CREATE OR REPLACE FUNCTION incident_rollup_keys(
	r5 bigint, r6 bigint, r7 bigint, r8 bigint, r9 bigint, r10 bigint, r11 bigint, local_day date
) RETURNS TABLE (res smallint, h3 bigint, grain text, period date)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT c.res::smallint, c.h3, g.grain, g.period
	FROM (VALUES (5, r5), (6, r6), (7, r7), (8, r8), (9, r9), (10, r10), (11, r11)) AS c(res, h3)
	CROSS JOIN (VALUES ('day', local_day),
	                   ('month', date_trunc('month', local_day::timestamp)::date),
	                   ('year', date_trunc('year', local_day::timestamp)::date)) AS g(grain, period)
	WHERE c.h3 IS NOT NULL AND local_day IS NOT NULL
$$;
--> statement-breakpoint
-- Keeps cell_counts equal to the incidents, set-based, once per statement (a COPY of a whole import
-- batch is one statement): inserted rows are added, deleted rows subtracted, updated rows moved when a
-- field the rollup keys or sums on changed. Rows whose count reaches zero are removed.
CREATE OR REPLACE FUNCTION cell_counts_maintain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	fields text := 'category, source_id, local_day, h3_r5, h3_r6, h3_r7, h3_r8, h3_r9, h3_r10, h3, harm_weight, sensitive';
	keys text := 'incident_rollup_keys(x.h3_r5, x.h3_r6, x.h3_r7, x.h3_r8, x.h3_r9, x.h3_r10, x.h3, x.local_day)';
	upsert text := 'INSERT INTO cell_counts AS c (res, grain, h3, period, category, source_id, n, harm, sensitive)
		SELECT k.res, k.grain, k.h3, k.period, x.category, x.source_id,
		       %2$s * count(*)::int, %2$s * sum(x.harm_weight)::real,
		       %2$s * (count(*) FILTER (WHERE x.sensitive))::int
		FROM %1$s x CROSS JOIN LATERAL %3$s k
		GROUP BY 1, 2, 3, 4, 5, 6
		ON CONFLICT (res, grain, h3, period, category, source_id) DO UPDATE
		SET n = c.n + EXCLUDED.n, harm = c.harm + EXCLUDED.harm, sensitive = c.sensitive + EXCLUDED.sensitive';
	a_fields text := 'a.' || replace(fields, ', ', ', a.');
	b_fields text := 'b.' || replace(fields, ', ', ', b.');
	-- Rows of one transition table whose rollup fields differ from (or are absent in) the other's.
	changed text := '(SELECT a.* FROM %1$s a WHERE NOT EXISTS (SELECT 1 FROM %2$s b
		WHERE b.source_id = a.source_id AND b.id = a.id AND (%3$s) IS NOT DISTINCT FROM (%4$s)))';
	gone text;
	came text;
BEGIN
	IF TG_OP = 'INSERT' THEN
		came := 'new_rows';
	ELSIF TG_OP = 'DELETE' THEN
		gone := 'old_rows';
	ELSE
		gone := format(changed, 'old_rows', 'new_rows', b_fields, a_fields);
		came := format(changed, 'new_rows', 'old_rows', b_fields, a_fields);
	END IF;
	IF came IS NOT NULL THEN
		EXECUTE format(upsert, came, 1, keys);
	END IF;
	IF gone IS NOT NULL THEN
		UPDATE rollup_edits SET edits = edits + 1 WHERE id = 1;
		EXECUTE format(upsert, gone, -1, keys);
		EXECUTE format('DELETE FROM cell_counts c USING (
			SELECT DISTINCT k.res, k.grain, k.h3, k.period, x.category, x.source_id
			FROM %1$s x CROSS JOIN LATERAL %2$s k) d
			WHERE c.res = d.res AND c.grain = d.grain AND c.h3 = d.h3 AND c.period = d.period
			  AND c.category = d.category AND c.source_id = d.source_id AND c.n <= 0', gone, keys);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER incidents_cell_counts_insert AFTER INSERT ON incidents
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cell_counts_maintain();
--> statement-breakpoint
CREATE TRIGGER incidents_cell_counts_update AFTER UPDATE ON incidents
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cell_counts_maintain();
--> statement-breakpoint
CREATE TRIGGER incidents_cell_counts_delete AFTER DELETE ON incidents
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cell_counts_maintain();
--> statement-breakpoint
-- TRUNCATE fires no row or statement delete trigger: empty the rollup with it.
CREATE OR REPLACE FUNCTION cell_counts_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM cell_counts;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER incidents_cell_counts_truncate AFTER TRUNCATE ON incidents
	FOR EACH STATEMENT EXECUTE FUNCTION cell_counts_truncate();
