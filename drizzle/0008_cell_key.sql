-- Record keys of the cell-key method (src/lib/server/auth/cell-key.ts): one uniformly random byte per
-- incident from gen_random_uuid() (a cryptographic source). The default is volatile, so ADD COLUMN
-- rewrites the table and draws a key for every existing row; new rows get theirs at insert.
ALTER TABLE "incidents" ADD COLUMN "record_key" smallint DEFAULT get_byte(uuid_send(gen_random_uuid()), 0) NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_record_key_range" CHECK ("incidents"."record_key" BETWEEN 0 AND 255);