ALTER TABLE "cell_counts" DROP CONSTRAINT "cell_counts_source_id_sources_id_fk";
--> statement-breakpoint
DROP INDEX "cell_counts_period_idx";--> statement-breakpoint
ALTER TABLE "cell_counts" DROP CONSTRAINT "cell_counts_res_grain_h3_period_category_source_id_pk";--> statement-breakpoint
ALTER TABLE "cell_counts" ADD CONSTRAINT "cell_counts_pk" PRIMARY KEY("res","grain","period","h3","category","source_id");--> statement-breakpoint
-- Reviewed; the rest is written by hand. An import batch sums its own rollup counts (it knows exactly
-- which rows it stored) and adds them in one upsert in key order (queries/ingest.ts
-- addRollupCounts); it says so for its transaction with SET LOCAL beatwise.rollups_by_import = 'on',
-- and the insert trigger then leaves those rows to it. Updates and deletes, and inserts by anyone
-- else, are still counted here. The upserts now run in key order with room to aggregate in memory.
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
		GROUP BY k.res, k.grain, k.period, k.h3, x.category, x.source_id
		ORDER BY k.res, k.grain, k.period, k.h3, x.category, x.source_id
		ON CONFLICT (res, grain, period, h3, category, source_id) DO UPDATE
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
