CREATE TABLE "products" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"title" text NOT NULL,
	"area_id" integer NOT NULL,
	"area_kind" text NOT NULL,
	"area_code" text NOT NULL,
	"area_name" text NOT NULL,
	"period_from" date NOT NULL,
	"period_to" date NOT NULL,
	"period_label" text NOT NULL,
	"author_id" integer,
	"author_name" text NOT NULL,
	"handling_code" text DEFAULT 'P' NOT NULL,
	"audience" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"dissemination" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"previous_id" bigint,
	"content" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reviewed_by_id" integer,
	"reviewed_by_name" text,
	"reviewed_at" timestamp with time zone,
	"published_by_id" integer,
	"published_by_name" text,
	"published_at" timestamp with time zone,
	CONSTRAINT "products_type_check" CHECK ("products"."type" IN ('briefing', 'early-warning-notice', 'trend-report', 'threat-assessment', 'risk-analysis', 'intelligence-memo', 'road-safety-evaluation')),
	CONSTRAINT "products_audience_check" CHECK ("products"."audience" IN ('internal', 'public')),
	CONSTRAINT "products_status_check" CHECK ("products"."status" IN ('draft', 'reviewed', 'published')),
	CONSTRAINT "products_handling_check" CHECK ("products"."handling_code" IN ('P', 'C')),
	CONSTRAINT "products_period_check" CHECK ("products"."period_from" <= "products"."period_to"),
	CONSTRAINT "products_version_check" CHECK ("products"."version" >= 1),
	CONSTRAINT "products_public_handling_check" CHECK ("products"."audience" = 'internal' OR "products"."handling_code" = 'P'),
	CONSTRAINT "products_published_check" CHECK ("products"."status" <> 'published' OR "products"."published_at" IS NOT NULL)
);
--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_reviewed_by_id_users_id_fk" FOREIGN KEY ("reviewed_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_published_by_id_users_id_fk" FOREIGN KEY ("published_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "products_area_type_idx" ON "products" USING btree ("area_kind","area_code","type");--> statement-breakpoint
CREATE INDEX "products_area_id_idx" ON "products" USING btree ("area_id");--> statement-breakpoint
CREATE UNIQUE INDEX "products_previous_uq" ON "products" USING btree ("previous_id");--> statement-breakpoint
-- A published product is immutable (issue 14): no UPDATE or DELETE of its row, whoever asks; a
-- correction is a new version (a new row whose previous_id names it). The runtime role owns nothing,
-- so it cannot disable this trigger.
CREATE OR REPLACE FUNCTION products_published_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'product % is published and cannot be changed: publish a new version instead', OLD.id
		USING ERRCODE = 'P0001';
END
$$;
--> statement-breakpoint
CREATE TRIGGER products_published_immutable BEFORE UPDATE OR DELETE ON products
	FOR EACH ROW WHEN (OLD.status = 'published') EXECUTE FUNCTION products_published_immutable();
