-- Reviewed: the primary key of incidents leads with the distribution column (source_id) so the table
-- can be distributed by Citus; the old single-column key was named by PostgreSQL's default.
ALTER TABLE "incidents" DROP CONSTRAINT "incidents_pkey";--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_source_id_id_pk" PRIMARY KEY("source_id","id");
