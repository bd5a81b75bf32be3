-- Reviewed. Recent incidents near an area, newest first (the supervisor's 28-day counts and its
-- time-of-day profile, queries/incidents-recent.ts): the point's own resolution-7 cell, then the time.
-- Those reads were city-wide through incidents_occurred_idx and grew with every incident of the city.
CREATE INDEX "incidents_r7_occurred_idx" ON "incidents" USING btree ("h3_r7","occurred_from");
