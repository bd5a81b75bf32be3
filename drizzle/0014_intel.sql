CREATE TABLE "duplicate_decisions" (
	"first_id" bigint NOT NULL,
	"second_id" bigint NOT NULL,
	"decision" text NOT NULL,
	"score" real NOT NULL,
	"explanation" text NOT NULL,
	"decided_by" text NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "duplicate_decisions_first_id_second_id_pk" PRIMARY KEY("first_id","second_id"),
	CONSTRAINT "duplicate_decisions_order" CHECK ("duplicate_decisions"."first_id" < "duplicate_decisions"."second_id")
);
--> statement-breakpoint
CREATE TABLE "observation_links" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"observation_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"other_observation_id" bigint,
	"incident_source_id" integer,
	"incident_id" bigint,
	"independent" boolean NOT NULL,
	"note" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "observation_links_one_target" CHECK (("observation_links"."other_observation_id" IS NULL) <> ("observation_links"."incident_id" IS NULL AND "observation_links"."incident_source_id" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "observation_reviews" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"observation_id" bigint NOT NULL,
	"decision" text NOT NULL,
	"reason" text NOT NULL,
	"grading_before" text NOT NULL,
	"grading_after" text NOT NULL,
	"other" text,
	"decided_by" text NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "h3_r5" bigint;--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "h3_r6" bigint;--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "h3_r7" bigint;--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "h3_r8" bigint;--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "h3_r9" bigint;--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "category" text;--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "location_text" text;--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "merged_into" bigint;--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "reviewed_by" text;--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "default_handling_code" text DEFAULT 'P' NOT NULL;--> statement-breakpoint
ALTER TABLE "duplicate_decisions" ADD CONSTRAINT "duplicate_decisions_first_id_observations_id_fk" FOREIGN KEY ("first_id") REFERENCES "public"."observations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duplicate_decisions" ADD CONSTRAINT "duplicate_decisions_second_id_observations_id_fk" FOREIGN KEY ("second_id") REFERENCES "public"."observations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observation_links" ADD CONSTRAINT "observation_links_observation_id_observations_id_fk" FOREIGN KEY ("observation_id") REFERENCES "public"."observations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observation_links" ADD CONSTRAINT "observation_links_other_observation_id_observations_id_fk" FOREIGN KEY ("other_observation_id") REFERENCES "public"."observations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observation_reviews" ADD CONSTRAINT "observation_reviews_observation_id_observations_id_fk" FOREIGN KEY ("observation_id") REFERENCES "public"."observations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "observation_links_obs_idx" ON "observation_links" USING btree ("observation_id");--> statement-breakpoint
CREATE INDEX "observation_links_other_idx" ON "observation_links" USING btree ("other_observation_id");--> statement-breakpoint
CREATE INDEX "observation_reviews_obs_idx" ON "observation_reviews" USING btree ("observation_id","decided_at");--> statement-breakpoint
CREATE INDEX "observations_review_idx" ON "observations" USING btree ("review_status","observed_at");--> statement-breakpoint
CREATE INDEX "observations_observed_idx" ON "observations" USING btree ("observed_at");--> statement-breakpoint
ALTER TABLE "observations" ADD CONSTRAINT "observations_source_evaluation_range" CHECK ("observations"."source_evaluation" BETWEEN 1 AND 3);--> statement-breakpoint
ALTER TABLE "sources" ADD CONSTRAINT "sources_default_reliability_range" CHECK ("sources"."default_reliability" BETWEEN 1 AND 3);--> statement-breakpoint
ALTER TABLE "sources" ADD CONSTRAINT "sources_default_handling_code" CHECK ("sources"."default_handling_code" IN ('P', 'C'));--> statement-breakpoint
-- Reviewed; the rest is written by hand. Every observation and every import batch already names its
-- source (both `source_id` columns are NOT NULL with a foreign key), so no row needs a source
-- backfilled. The exact cells of stored observations at resolutions 5–9 are filled by the
-- application's migration step (db/exact-cells-backfill.ts), as for incidents in 0010.
-- A merge points at the report that survives it.
ALTER TABLE "observations" ADD CONSTRAINT "observations_merged_into_fk" FOREIGN KEY ("merged_into") REFERENCES "public"."observations"("id") ON DELETE SET NULL;
