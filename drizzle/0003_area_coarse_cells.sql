CREATE TABLE "area_coarse_cells" (
	"area_id" integer NOT NULL,
	"res" smallint NOT NULL,
	"h3" bigint NOT NULL,
	CONSTRAINT "area_coarse_cells_area_id_res_h3_pk" PRIMARY KEY("area_id","res","h3")
);
--> statement-breakpoint
ALTER TABLE "area_coarse_cells" ADD CONSTRAINT "area_coarse_cells_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Reviewed. Backfill from the existing resolution-10 covers (area imports write both from here on,
-- in the same transaction: db/queries/areas.ts replaceAreaCells).
INSERT INTO "area_coarse_cells" ("area_id", "res", "h3")
SELECT DISTINCT a.area_id, r, h3_parent(a.h3, r)
FROM "area_cells" a CROSS JOIN generate_series(5, 9) AS r;
