/** H3 resolutions shared by services that read incidents by cell. */
import { SERVED_MAX_RES } from '../cell-keys';

/** Incidents store their finest cell at this resolution (`incidents.h3`; coarser in `h3_r5`…`h3_r10`). */
export const INCIDENT_RES = SERVED_MAX_RES;

/** Resolutions at which incidents may be listed or exported by cell (`h3_r5`…`h3_r10`). */
export const INCIDENT_MIN_RES = 5;
export const INCIDENT_MAX_RES = 10;
