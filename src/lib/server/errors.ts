import { AnalysisInputError } from './analysis/weights';

/** Errors a service raises for requests a user can correct; routes turn them into 400/403/404. */
export type ServiceErrorCode =
	| 'E_UNKNOWN_AREA'
	| 'E_STUDY_AREA_TOO_LARGE'
	| 'E_STUDY_AREA_MISSING'
	| 'E_DATE_RANGE'
	| 'E_NO_DATA'
	| 'E_PARAMETER'
	/** Too large to wait for: run it as a background job (/api/jobs). */
	| 'E_USE_JOB'
	/** Too few periods of the request hold data (missing periods are missing, not zeros). */
	| 'E_COVERAGE'
	/** One side of a comparison holds no data: there is nothing to compare with. */
	| 'E_NO_DATA_TO_COMPARE'
	/** The request needs times finer than the data records (days of month-dated data). */
	| 'E_TIME_PRECISION'
	/** The role lacks a permission the request needs (the route's rule let it through). */
	| 'E_FORBIDDEN'
	/** No such object, or none the reader may see (not told apart). */
	| 'E_NOT_FOUND'
	/** A product is not in the status the step needs (only drafts are edited, published ones never). */
	| 'E_PRODUCT_STATUS';

export class ServiceError extends Error {
	constructor(
		readonly code: ServiceErrorCode,
		message: string,
		readonly status: 400 | 403 | 404 | 413 | 422 = 400
	) {
		super(message);
		this.name = 'ServiceError';
	}
}

/**
 * A refusal the user can correct — a service's or an analysis's bad input — as the status and message
 * to answer with; null for any other error (a crash: let it through).
 */
export function userError(e: unknown): { status: number; message: string } | null {
	if (e instanceof ServiceError) return { status: e.status, message: e.message };
	if (e instanceof AnalysisInputError) return { status: 400, message: e.message };
	return null;
}

/** A failed view computation as the page shows it: the service's message, or a plain server error. */
export interface ViewError {
	status: number;
	message: string;
}

/** Run one view computation; a user-correctable error or a crash becomes a message for the page. */
export async function attemptView<T>(
	run: () => Promise<T>
): Promise<{ value: T | null; error: ViewError | null }> {
	try {
		return { value: await run(), error: null };
	} catch (e) {
		if (e instanceof ServiceError)
			return { value: null, error: { status: e.status, message: e.message } };
		console.error('[beatwise] view computation failed:', e);
		return {
			value: null,
			error: {
				status: 500,
				message:
					'The server could not compute this view. Try again; if it keeps failing, tell your administrator.'
			}
		};
	}
}
