CREATE TABLE "area_cells" (
	"area_id" integer NOT NULL,
	"h3" bigint NOT NULL,
	CONSTRAINT "area_cells_area_id_h3_pk" PRIMARY KEY("area_id","h3")
);
--> statement-breakpoint
CREATE TABLE "areas" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"geom" geometry(MultiPolygon, 4326) NOT NULL,
	"source_file" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cell_day_counts" (
	"h3" bigint NOT NULL,
	"day" date NOT NULL,
	"category" text NOT NULL,
	"source_id" integer NOT NULL,
	"n" integer NOT NULL,
	"harm" real DEFAULT 0 NOT NULL,
	"sensitive" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "cell_day_counts_h3_day_category_source_id_pk" PRIMARY KEY("h3","day","category","source_id")
);
--> statement-breakpoint
CREATE TABLE "import_batches" (
	"id" serial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"format" text NOT NULL,
	"file" text NOT NULL,
	"file_sha256" text,
	"file_bytes" bigint,
	"status" text DEFAULT 'running' NOT NULL,
	"total_rows" integer DEFAULT 0 NOT NULL,
	"imported" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"duplicate" integer DEFAULT 0 NOT NULL,
	"mapping" jsonb,
	"error" text,
	"imported_by" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "import_rejects" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"batch_id" integer NOT NULL,
	"file" text NOT NULL,
	"row_number" integer NOT NULL,
	"field" text NOT NULL,
	"reason" text NOT NULL,
	"raw" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"external_id" text NOT NULL,
	"category" text NOT NULL,
	"original_type" text NOT NULL,
	"occurred_from" timestamp with time zone NOT NULL,
	"occurred_to" timestamp with time zone NOT NULL,
	"reported_at" timestamp with time zone,
	"location_precision" text NOT NULL,
	"location_text" text,
	"geom" geometry(Point, 4326),
	"h3" bigint,
	"harm_weight" real DEFAULT 1 NOT NULL,
	"handling_code" text DEFAULT 'P' NOT NULL,
	"sensitive" boolean DEFAULT false NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"batch_id" integer
);
--> statement-breakpoint
CREATE TABLE "observations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"external_id" text,
	"text" text NOT NULL,
	"sanitised_text" text,
	"source_evaluation" smallint NOT NULL,
	"intelligence_assessment" text NOT NULL,
	"handling_code" text NOT NULL,
	"observed_at" timestamp with time zone NOT NULL,
	"geom" geometry(Point, 4326),
	"h3" bigint,
	"review_status" text DEFAULT 'new' NOT NULL,
	"links" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sources" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"category" text NOT NULL,
	"default_reliability" smallint DEFAULT 2 NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"attribution" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sources_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" integer,
	"username" text,
	"action" text NOT NULL,
	"object" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"ip" text,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"area_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
ALTER TABLE "area_cells" ADD CONSTRAINT "area_cells_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cell_day_counts" ADD CONSTRAINT "cell_day_counts_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_batches" ADD CONSTRAINT "import_batches_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_rejects" ADD CONSTRAINT "import_rejects_batch_id_import_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."import_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_batch_id_import_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."import_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observations" ADD CONSTRAINT "observations_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "area_cells_h3_idx" ON "area_cells" USING btree ("h3");--> statement-breakpoint
CREATE UNIQUE INDEX "areas_kind_code_uq" ON "areas" USING btree ("kind","code");--> statement-breakpoint
CREATE INDEX "areas_geom_gist" ON "areas" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "cell_day_counts_day_idx" ON "cell_day_counts" USING btree ("day","category");--> statement-breakpoint
CREATE INDEX "import_batches_source_idx" ON "import_batches" USING btree ("source_id");--> statement-breakpoint
CREATE INDEX "import_rejects_batch_idx" ON "import_rejects" USING btree ("batch_id","row_number");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_source_external_uq" ON "incidents" USING btree ("source_id","external_id");--> statement-breakpoint
CREATE INDEX "incidents_geom_gist" ON "incidents" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "incidents_h3_idx" ON "incidents" USING btree ("h3");--> statement-breakpoint
CREATE INDEX "incidents_occurred_idx" ON "incidents" USING btree ("occurred_from");--> statement-breakpoint
CREATE INDEX "observations_geom_gist" ON "observations" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "observations_h3_idx" ON "observations" USING btree ("h3");--> statement-breakpoint
CREATE UNIQUE INDEX "observations_source_external_uq" ON "observations" USING btree ("source_id","external_id");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");