/**
 * The `/api/health` contract: liveness for load balancers and test harnesses. No request parameters;
 * public, so the answer says nothing but whether the database answers.
 *
 * Shared with the browser: no node imports here.
 */
import { z } from 'zod';

export const healthSchema = z.object({ ok: z.boolean() });
export type Health = z.output<typeof healthSchema>;
