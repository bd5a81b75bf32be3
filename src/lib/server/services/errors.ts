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
