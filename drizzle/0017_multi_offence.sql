CREATE TABLE "cell_extra_counts" (
	"res" smallint NOT NULL,
	"grain" text NOT NULL,
	"h3" bigint NOT NULL,
	"period" date NOT NULL,
	"category" text NOT NULL,
	"extra" text[] NOT NULL,
	"source_id" integer NOT NULL,
	"n" integer NOT NULL,
	"harm" real DEFAULT 0 NOT NULL,
	"sensitive" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "cell_extra_counts_pk" PRIMARY KEY("res","grain","period","h3","category","extra","source_id")
);
--> statement-breakpoint
CREATE TABLE "incident_offences" (
	"source_id" integer NOT NULL,
	"external_id" text NOT NULL,
	"offence" text NOT NULL,
	"category" text NOT NULL,
	"original_type" text NOT NULL,
	"sensitive" boolean DEFAULT false NOT NULL,
	"batch_id" integer,
	CONSTRAINT "incident_offences_source_id_external_id_offence_pk" PRIMARY KEY("source_id","external_id","offence")
);
--> statement-breakpoint
ALTER TABLE "import_batches" ADD COLUMN "merged" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "extra_categories" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "incident_offences" ADD CONSTRAINT "incident_offences_incident_fk" FOREIGN KEY ("source_id","external_id") REFERENCES "public"."incidents"("source_id","external_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Reviewed; the rest is written by hand. The rollup triggers of incidents also keep cell_extra_counts
-- (incidents with further categories, keyed by primary category and the set of further ones) equal
-- to the incidents. An import's own inserts leave cell_counts to the import (migration 0016) but their
-- further categories, if any, are counted here; an import adds further categories by UPDATE, which
-- moves the rows like any update.
CREATE OR REPLACE FUNCTION cell_counts_maintain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	fields text := 'category, extra_categories, source_id, local_day, h3_r5, h3_r6, h3_r7, h3_r8, h3_r9, h3_r10, h3, harm_weight, sensitive';
	keys text := 'incident_rollup_keys(x.h3_r5, x.h3_r6, x.h3_r7, x.h3_r8, x.h3_r9, x.h3_r10, x.h3, x.local_day)';
	upsert text := 'INSERT INTO cell_counts AS c (res, grain, h3, period, category, source_id, n, harm, sensitive)
		SELECT k.res, k.grain, k.h3, k.period, x.category, x.source_id,
		       %2$s * count(*)::int, %2$s * sum(x.harm_weight)::real,
		       %2$s * (count(*) FILTER (WHERE x.sensitive))::int
		FROM %1$s x CROSS JOIN LATERAL %3$s k
		GROUP BY k.res, k.grain, k.period, k.h3, x.category, x.source_id
		ORDER BY k.res, k.grain, k.period, k.h3, x.category, x.source_id
		ON CONFLICT (res, grain, period, h3, category, source_id) DO UPDATE
		SET n = c.n + EXCLUDED.n, harm = c.harm + EXCLUDED.harm, sensitive = c.sensitive + EXCLUDED.sensitive';
	extra_upsert text := 'INSERT INTO cell_extra_counts AS c (res, grain, h3, period, category, extra, source_id, n, harm, sensitive)
		SELECT k.res, k.grain, k.h3, k.period, x.category, x.extra_categories, x.source_id,
		       %2$s * count(*)::int, %2$s * sum(x.harm_weight)::real,
		       %2$s * (count(*) FILTER (WHERE x.sensitive))::int
		FROM %1$s x CROSS JOIN LATERAL %3$s k
		WHERE cardinality(x.extra_categories) > 0
		GROUP BY k.res, k.grain, k.period, k.h3, x.category, x.extra_categories, x.source_id
		ORDER BY k.res, k.grain, k.period, k.h3, x.category, x.extra_categories, x.source_id
		ON CONFLICT (res, grain, period, h3, category, extra, source_id) DO UPDATE
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
		IF current_setting('beatwise.rollups_by_import', true) = 'on' THEN
			EXECUTE format(extra_upsert, 'new_rows', 1, keys);
			RETURN NULL;
		END IF;
		came := 'new_rows';
	ELSIF TG_OP = 'DELETE' THEN
		gone := 'old_rows';
	ELSE
		gone := format(changed, 'old_rows', 'new_rows', b_fields, a_fields);
		came := format(changed, 'new_rows', 'old_rows', b_fields, a_fields);
	END IF;
	-- Seven resolutions × three grains per row: let the grouping stay in memory.
	PERFORM set_config('work_mem', '64MB', true);
	IF came IS NOT NULL THEN
		EXECUTE format(upsert, came, 1, keys);
		EXECUTE format(extra_upsert, came, 1, keys);
	END IF;
	IF gone IS NOT NULL THEN
		UPDATE rollup_edits SET edits = edits + 1 WHERE id = 1;
		EXECUTE format(upsert, gone, -1, keys);
		EXECUTE format(extra_upsert, gone, -1, keys);
		EXECUTE format('DELETE FROM cell_counts c USING (
			SELECT DISTINCT k.res, k.grain, k.h3, k.period, x.category, x.source_id
			FROM %1$s x CROSS JOIN LATERAL %2$s k) d
			WHERE c.res = d.res AND c.grain = d.grain AND c.h3 = d.h3 AND c.period = d.period
			  AND c.category = d.category AND c.source_id = d.source_id AND c.n <= 0', gone, keys);
		EXECUTE format('DELETE FROM cell_extra_counts c USING (
			SELECT DISTINCT k.res, k.grain, k.h3, k.period, x.category, x.extra_categories, x.source_id
			FROM %1$s x CROSS JOIN LATERAL %2$s k WHERE cardinality(x.extra_categories) > 0) d
			WHERE c.res = d.res AND c.grain = d.grain AND c.h3 = d.h3 AND c.period = d.period
			  AND c.category = d.category AND c.extra = d.extra_categories AND c.source_id = d.source_id
			  AND c.n <= 0', gone, keys);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cell_counts_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM cell_counts;
	DELETE FROM cell_extra_counts;
	RETURN NULL;
END
$$;
