CREATE TABLE "source_coverage" (
	"source_id" integer NOT NULL,
	"grain" text NOT NULL,
	"period_start" date NOT NULL,
	"footprint" bigint NOT NULL,
	CONSTRAINT "source_coverage_source_id_grain_period_start_footprint_pk" PRIMARY KEY("source_id","grain","period_start","footprint")
);
--> statement-breakpoint
ALTER TABLE "source_coverage" ADD CONSTRAINT "source_coverage_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "source_coverage_period_idx" ON "source_coverage" USING btree ("period_start");--> statement-breakpoint
-- Backfill from the incidents stored before coverage was recorded, with the rules of the import
-- (src/lib/server/ingest/coverage.ts): a record whose window is one whole local month of its source's
-- zone has month grain (the 1st of that month), any other record has day grain (its local day);
-- the footprint is its cell's resolution-5 parent, 0 without a location.
INSERT INTO "source_coverage" ("source_id", "grain", "period_start", "footprint")
SELECT DISTINCT l.source_id,
	CASE WHEN l.whole_month THEN 'month' ELSE 'day' END,
	CASE WHEN l.whole_month THEN date_trunc('month', l.local_from)::date ELSE l.local_from::date END,
	l.footprint
FROM (
	SELECT i.source_id,
		i.occurred_from AT TIME ZONE s.timezone AS local_from,
		(i.occurred_from AT TIME ZONE s.timezone) = date_trunc('month', i.occurred_from AT TIME ZONE s.timezone)
			AND (i.occurred_to AT TIME ZONE s.timezone)::date
				= (date_trunc('month', i.occurred_from AT TIME ZONE s.timezone) + interval '1 month' - interval '1 day')::date
			AS whole_month,
		coalesce(h3_parent(i.h3, 5), 0) AS footprint
	FROM "incidents" i JOIN "sources" s ON s.id = i.source_id
) l
ON CONFLICT DO NOTHING;
