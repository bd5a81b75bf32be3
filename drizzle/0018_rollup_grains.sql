ALTER TABLE "incidents" DROP CONSTRAINT "incidents_source_id_sources_id_fk";
--> statement-breakpoint
ALTER TABLE "incidents" DROP CONSTRAINT "incidents_batch_id_import_batches_id_fk";
--> statement-breakpoint
-- Reviewed; the two statements above drop the foreign keys of incidents.source_id and incidents.batch_id
-- (two lookups per imported row; only the import writes them, sources and batches are never deleted).
-- The rest is written by hand. Incidents known only to the month (police.uk: a window of a whole month, counted on
-- its first day) put three coinciding rows per resolution into the rollups (day, month and year, all
-- on the 1st). They now get one row per resolution, under the grain 'month-only' (period = their local
-- day, the month's first), and the readers of every grain also read the month-only rows whose period
-- lies in their days (queries/rollup.ts grainIs), so each incident still counts exactly once. The
-- test (local day a 1st, occurred_to - occurred_from >= 27 days) is the import's `isMonthOnly`
-- (ingest/rollup-counts.ts); either answer counts exactly, it only decides how many rows are written.
CREATE OR REPLACE FUNCTION incident_rollup_keys(
	r5 bigint, r6 bigint, r7 bigint, r8 bigint, r9 bigint, r10 bigint, r11 bigint, local_day date,
	occurred_from timestamptz, occurred_to timestamptz
) RETURNS TABLE (res smallint, h3 bigint, grain text, period date)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT c.res::smallint, c.h3, g.grain, g.period
	FROM (VALUES (5, r5), (6, r6), (7, r7), (8, r8), (9, r9), (10, r10), (11, r11)) AS c(res, h3)
	CROSS JOIN (VALUES ('day', local_day, false),
	                   ('month', date_trunc('month', local_day::timestamp)::date, false),
	                   ('year', date_trunc('year', local_day::timestamp)::date, false),
	                   ('month-only', local_day, true)) AS g(grain, period, month_only)
	WHERE c.h3 IS NOT NULL AND local_day IS NOT NULL
	  AND g.month_only = (extract(day FROM local_day) = 1
	                      AND occurred_to - occurred_from >= interval '27 days')
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cell_counts_maintain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	fields text := 'category, extra_categories, source_id, local_day, occurred_from, occurred_to, h3_r5, h3_r6, h3_r7, h3_r8, h3_r9, h3_r10, h3, harm_weight, sensitive';
	keys text := 'incident_rollup_keys(x.h3_r5, x.h3_r6, x.h3_r7, x.h3_r8, x.h3_r9, x.h3_r10, x.h3, x.local_day, x.occurred_from, x.occurred_to)';
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
	-- Up to seven resolutions × three grains per row: let the grouping stay in memory.
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
DROP FUNCTION incident_rollup_keys(bigint, bigint, bigint, bigint, bigint, bigint, bigint, date);
--> statement-breakpoint
-- The stored rollups are counted again under the new keys (the triggers would otherwise subtract
-- month-only rows that were never written when an earlier incident is deleted or moved).
DELETE FROM cell_counts;
--> statement-breakpoint
DELETE FROM cell_extra_counts;
--> statement-breakpoint
INSERT INTO cell_counts (res, grain, h3, period, category, source_id, n, harm, sensitive)
SELECT k.res, k.grain, k.h3, k.period, i.category, i.source_id, count(*)::int,
       sum(i.harm_weight)::real, (count(*) FILTER (WHERE i.sensitive))::int
FROM incidents i
CROSS JOIN LATERAL incident_rollup_keys(i.h3_r5, i.h3_r6, i.h3_r7, i.h3_r8, i.h3_r9, i.h3_r10, i.h3,
                                        i.local_day, i.occurred_from, i.occurred_to) k
GROUP BY k.res, k.grain, k.period, k.h3, i.category, i.source_id;
--> statement-breakpoint
INSERT INTO cell_extra_counts (res, grain, h3, period, category, extra, source_id, n, harm, sensitive)
SELECT k.res, k.grain, k.h3, k.period, i.category, i.extra_categories, i.source_id, count(*)::int,
       sum(i.harm_weight)::real, (count(*) FILTER (WHERE i.sensitive))::int
FROM incidents i
CROSS JOIN LATERAL incident_rollup_keys(i.h3_r5, i.h3_r6, i.h3_r7, i.h3_r8, i.h3_r9, i.h3_r10, i.h3,
                                        i.local_day, i.occurred_from, i.occurred_to) k
WHERE cardinality(i.extra_categories) > 0
GROUP BY k.res, k.grain, k.period, k.h3, i.category, i.extra_categories, i.source_id;
