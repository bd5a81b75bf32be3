CREATE TABLE "alarm_states" (
	"alarm_id" bigint NOT NULL,
	"user_id" integer NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alarm_states_alarm_id_user_id_pk" PRIMARY KEY("alarm_id","user_id"),
	CONSTRAINT "alarm_states_status_check" CHECK ("alarm_states"."status" IN ('new', 'acknowledged', 'dismissed')),
	CONSTRAINT "alarm_states_reason_check" CHECK ("alarm_states"."status" <> 'dismissed' OR length(btrim(coalesce("alarm_states"."reason", ''))) > 0)
);
--> statement-breakpoint
CREATE TABLE "alert_subscriptions" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"area_id" integer,
	"category" text,
	"method" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_subscriptions_uq" UNIQUE NULLS NOT DISTINCT("user_id","area_id","category","method"),
	CONSTRAINT "alert_subscriptions_method_check" CHECK ("alert_subscriptions"."method" IS NULL OR "alert_subscriptions"."method" IN ('farrington', 'ears-c2'))
);
--> statement-breakpoint
CREATE TABLE "early_warning_alarms" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"area_id" integer NOT NULL,
	"category" text NOT NULL,
	"week" date NOT NULL,
	"observed" integer NOT NULL,
	"threshold" double precision NOT NULL,
	"expected" double precision NOT NULL,
	"method" text NOT NULL,
	"notice_product_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "early_warning_alarms_method_check" CHECK ("early_warning_alarms"."method" IN ('farrington', 'ears-c2'))
);
--> statement-breakpoint
CREATE TABLE "early_warning_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"trigger" text NOT NULL,
	"batch_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"data_version" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"weeks_from" date,
	"weeks_to" date,
	"check_from" date,
	"series" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"alarms" integer DEFAULT 0 NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "early_warning_runs_status_check" CHECK ("early_warning_runs"."status" IN ('running', 'done', 'failed')),
	CONSTRAINT "early_warning_runs_trigger_check" CHECK ("early_warning_runs"."trigger" IN ('import', 'manual'))
);
--> statement-breakpoint
CREATE TABLE "problem_cells" (
	"problem_id" integer NOT NULL,
	"h3" bigint NOT NULL,
	"res" integer NOT NULL,
	CONSTRAINT "problem_cells_problem_id_h3_pk" PRIMARY KEY("problem_id","h3")
);
--> statement-breakpoint
CREATE TABLE "problem_links" (
	"problem_id" integer NOT NULL,
	"kind" text NOT NULL,
	"ref_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "problem_links_problem_id_kind_ref_id_pk" PRIMARY KEY("problem_id","kind","ref_id"),
	CONSTRAINT "problem_links_kind_check" CHECK ("problem_links"."kind" IN ('product', 'tasking', 'alarm'))
);
--> statement-breakpoint
CREATE TABLE "problem_responses" (
	"id" serial PRIMARY KEY NOT NULL,
	"problem_id" integer NOT NULL,
	"description" text NOT NULL,
	"started_on" date NOT NULL,
	"ended_on" date,
	"evaluation" jsonb,
	"evaluated_at" timestamp with time zone,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "problem_responses_dates_check" CHECK ("problem_responses"."ended_on" IS NULL OR "problem_responses"."ended_on" >= "problem_responses"."started_on")
);
--> statement-breakpoint
CREATE TABLE "problems" (
	"id" serial PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"area_id" integer,
	"stage" text DEFAULT 'scanning' NOT NULL,
	"scanning" text DEFAULT '' NOT NULL,
	"analysis" text DEFAULT '' NOT NULL,
	"assessment" text DEFAULT '' NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "problems_stage_check" CHECK ("problems"."stage" IN ('scanning', 'analysis', 'response', 'assessment', 'closed'))
);
--> statement-breakpoint
ALTER TABLE "alarm_states" ADD CONSTRAINT "alarm_states_alarm_id_early_warning_alarms_id_fk" FOREIGN KEY ("alarm_id") REFERENCES "public"."early_warning_alarms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarm_states" ADD CONSTRAINT "alarm_states_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_subscriptions" ADD CONSTRAINT "alert_subscriptions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_subscriptions" ADD CONSTRAINT "alert_subscriptions_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "early_warning_alarms" ADD CONSTRAINT "early_warning_alarms_run_id_early_warning_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."early_warning_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "early_warning_alarms" ADD CONSTRAINT "early_warning_alarms_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_cells" ADD CONSTRAINT "problem_cells_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_links" ADD CONSTRAINT "problem_links_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_responses" ADD CONSTRAINT "problem_responses_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_responses" ADD CONSTRAINT "problem_responses_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problems" ADD CONSTRAINT "problems_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problems" ADD CONSTRAINT "problems_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "early_warning_alarms_uq" ON "early_warning_alarms" USING btree ("area_id","category","week","method");--> statement-breakpoint
CREATE INDEX "early_warning_alarms_week_idx" ON "early_warning_alarms" USING btree ("week");--> statement-breakpoint
CREATE INDEX "problem_responses_problem_idx" ON "problem_responses" USING btree ("problem_id");--> statement-breakpoint
CREATE INDEX "problems_area_idx" ON "problems" USING btree ("area_id");