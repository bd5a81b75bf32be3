CREATE TABLE "patrol_assignments" (
	"id" serial PRIMARY KEY NOT NULL,
	"tasking_id" integer NOT NULL,
	"area_id" integer NOT NULL,
	"day" date NOT NULL,
	"h3" bigint NOT NULL,
	"arm" text NOT NULL,
	"seed" integer NOT NULL,
	"drawn_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "patrol_assignments_arm_check" CHECK ("patrol_assignments"."arm" IN ('patrol', 'control'))
);
--> statement-breakpoint
CREATE TABLE "patrol_visits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tasking_id" integer,
	"unit_id" integer NOT NULL,
	"h3" bigint NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"source" text NOT NULL,
	"activities" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"client_id" text,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "patrol_visits_source_check" CHECK ("patrol_visits"."source" IN ('phone', 'geofence', 'manual')),
	CONSTRAINT "patrol_visits_order_check" CHECK ("patrol_visits"."ended_at" IS NULL OR "patrol_visits"."ended_at" >= "patrol_visits"."started_at")
);
--> statement-breakpoint
CREATE TABLE "planned_visits" (
	"id" serial PRIMARY KEY NOT NULL,
	"tasking_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"spot_id" integer NOT NULL,
	"seq" smallint NOT NULL,
	"planned_start" timestamp with time zone NOT NULL,
	"planned_end" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shift_units" (
	"id" serial PRIMARY KEY NOT NULL,
	"shift_date" date NOT NULL,
	"shift" text NOT NULL,
	"call_sign" text NOT NULL,
	"unit_type" text NOT NULL,
	"area_id" integer NOT NULL,
	"officer_id" integer,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shift_units_type_check" CHECK ("shift_units"."unit_type" IN ('foot', 'vehicle', 'pcso')),
	CONSTRAINT "shift_units_shift_check" CHECK ("shift_units"."shift" IN ('early', 'late', 'night'))
);
--> statement-breakpoint
CREATE TABLE "spot_edits" (
	"id" serial PRIMARY KEY NOT NULL,
	"area_id" integer NOT NULL,
	"action" text NOT NULL,
	"cells" jsonb NOT NULL,
	"res" smallint NOT NULL,
	"geom" geometry(MultiPolygon, 4326),
	"reason" text NOT NULL,
	"until" date,
	"withdrawn_at" timestamp with time zone,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "spot_edits_action_check" CHECK ("spot_edits"."action" IN ('add', 'suppress', 'draw')),
	CONSTRAINT "spot_edits_reason_check" CHECK (length(trim("spot_edits"."reason")) > 0)
);
--> statement-breakpoint
CREATE TABLE "tasking_spots" (
	"id" serial PRIMARY KEY NOT NULL,
	"tasking_id" integer NOT NULL,
	"h3" bigint NOT NULL,
	"unit_id" integer,
	"rank" integer NOT NULL,
	"risk" real NOT NULL,
	"origin" text NOT NULL,
	"why" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"arm" text,
	CONSTRAINT "tasking_spots_origin_check" CHECK ("tasking_spots"."origin" IN ('forecast', 'added', 'drawn')),
	CONSTRAINT "tasking_spots_arm_check" CHECK ("tasking_spots"."arm" IS NULL OR "tasking_spots"."arm" IN ('patrol', 'control'))
);
--> statement-breakpoint
CREATE TABLE "taskings" (
	"id" serial PRIMARY KEY NOT NULL,
	"area_id" integer NOT NULL,
	"shift_date" date NOT NULL,
	"shift" text NOT NULL,
	"forecast" jsonb NOT NULL,
	"data_version" jsonb NOT NULL,
	"import_batch_id" integer,
	"harm_index" text,
	"cadence" text NOT NULL,
	"visit_minutes" smallint NOT NULL,
	"target_visits" smallint NOT NULL,
	"max_visits" smallint NOT NULL,
	"spots_per_unit" smallint NOT NULL,
	"seed" integer NOT NULL,
	"randomised" boolean DEFAULT false NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "taskings_shift_check" CHECK ("taskings"."shift" IN ('early', 'late', 'night')),
	CONSTRAINT "taskings_dosage_check" CHECK ("taskings"."visit_minutes" > 0 AND "taskings"."target_visits" > 0 AND "taskings"."max_visits" >= "taskings"."target_visits")
);
--> statement-breakpoint
CREATE TABLE "visit_edits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"visit_id" bigint NOT NULL,
	"before" jsonb NOT NULL,
	"after" jsonb NOT NULL,
	"reason" text NOT NULL,
	"edited_by" integer,
	"edited_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "patrol_assignments" ADD CONSTRAINT "patrol_assignments_tasking_id_taskings_id_fk" FOREIGN KEY ("tasking_id") REFERENCES "public"."taskings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patrol_assignments" ADD CONSTRAINT "patrol_assignments_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patrol_visits" ADD CONSTRAINT "patrol_visits_tasking_id_taskings_id_fk" FOREIGN KEY ("tasking_id") REFERENCES "public"."taskings"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patrol_visits" ADD CONSTRAINT "patrol_visits_unit_id_shift_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."shift_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patrol_visits" ADD CONSTRAINT "patrol_visits_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "planned_visits" ADD CONSTRAINT "planned_visits_tasking_id_taskings_id_fk" FOREIGN KEY ("tasking_id") REFERENCES "public"."taskings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "planned_visits" ADD CONSTRAINT "planned_visits_unit_id_shift_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."shift_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "planned_visits" ADD CONSTRAINT "planned_visits_spot_id_tasking_spots_id_fk" FOREIGN KEY ("spot_id") REFERENCES "public"."tasking_spots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shift_units" ADD CONSTRAINT "shift_units_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shift_units" ADD CONSTRAINT "shift_units_officer_id_users_id_fk" FOREIGN KEY ("officer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shift_units" ADD CONSTRAINT "shift_units_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spot_edits" ADD CONSTRAINT "spot_edits_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spot_edits" ADD CONSTRAINT "spot_edits_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasking_spots" ADD CONSTRAINT "tasking_spots_tasking_id_taskings_id_fk" FOREIGN KEY ("tasking_id") REFERENCES "public"."taskings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasking_spots" ADD CONSTRAINT "tasking_spots_unit_id_shift_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."shift_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "taskings" ADD CONSTRAINT "taskings_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "taskings" ADD CONSTRAINT "taskings_import_batch_id_import_batches_id_fk" FOREIGN KEY ("import_batch_id") REFERENCES "public"."import_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "taskings" ADD CONSTRAINT "taskings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_edits" ADD CONSTRAINT "visit_edits_visit_id_patrol_visits_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."patrol_visits"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_edits" ADD CONSTRAINT "visit_edits_edited_by_users_id_fk" FOREIGN KEY ("edited_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "patrol_assignments_uq" ON "patrol_assignments" USING btree ("tasking_id","h3");--> statement-breakpoint
CREATE INDEX "patrol_assignments_area_idx" ON "patrol_assignments" USING btree ("area_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "patrol_visits_client_uq" ON "patrol_visits" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "patrol_visits_unit_idx" ON "patrol_visits" USING btree ("unit_id","started_at");--> statement-breakpoint
CREATE INDEX "patrol_visits_tasking_idx" ON "patrol_visits" USING btree ("tasking_id");--> statement-breakpoint
CREATE UNIQUE INDEX "planned_visits_seq_uq" ON "planned_visits" USING btree ("tasking_id","unit_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "shift_units_call_sign_uq" ON "shift_units" USING btree ("shift_date","shift","call_sign");--> statement-breakpoint
CREATE INDEX "spot_edits_area_idx" ON "spot_edits" USING btree ("area_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tasking_spots_cell_uq" ON "tasking_spots" USING btree ("tasking_id","h3");--> statement-breakpoint
CREATE INDEX "taskings_area_idx" ON "taskings" USING btree ("area_id","shift_date");--> statement-breakpoint
CREATE INDEX "visit_edits_visit_idx" ON "visit_edits" USING btree ("visit_id");