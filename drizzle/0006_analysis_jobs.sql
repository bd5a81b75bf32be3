CREATE TABLE "analysis_jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"owner_id" integer NOT NULL,
	"kind" text NOT NULL,
	"params" jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"progress" real DEFAULT 0 NOT NULL,
	"result" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "analysis_jobs_status_check" CHECK ("analysis_jobs"."status" IN ('queued', 'running', 'done', 'failed', 'cancelled')),
	CONSTRAINT "analysis_jobs_progress_check" CHECK ("analysis_jobs"."progress" >= 0 AND "analysis_jobs"."progress" <= 1)
);
--> statement-breakpoint
ALTER TABLE "analysis_jobs" ADD CONSTRAINT "analysis_jobs_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analysis_jobs_owner_idx" ON "analysis_jobs" USING btree ("owner_id","created_at");