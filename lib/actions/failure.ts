/**
 * Why one command (or a whole batch) could not be applied, as plain data. The action nodes turn a
 * 'service' failure (the service refused or failed) into a NodeApiError carrying the service's own code,
 * and an 'operation' failure (bad input, or anything unexpected) into a NodeOperationError; under
 * "Continue On Fail" the same text goes into the item instead.
 */
import { TransportError, redact } from '../errors';
import type { Service } from '../errors';

export interface ActionFailure {
	kind: 'operation' | 'service';
	/** The service's own error code (HTTP_409, INVALID_SESSION_ID, …), or an input problem code. */
	code: string;
	message: string;
	/** What to fix, when more can be said than the message. */
	description?: string;
	service?: Service;
	httpStatus?: number;
}

/** An input problem (unknown status, malformed command): says what was wrong and the valid values. */
export class ActionInputError extends Error {
	constructor(
		message: string,
		readonly description?: string,
		readonly code = 'INVALID_INPUT',
	) {
		super(message);
		this.name = 'ActionInputError';
	}
}

export function failureFrom(error: unknown): ActionFailure {
	if (error instanceof ActionInputError) {
		return { kind: 'operation', code: error.code, message: error.message, description: error.description };
	}
	if (error instanceof TransportError) {
		return {
			kind: 'service',
			code: error.errorCode,
			message: error.message,
			service: error.service,
			httpStatus: error.httpStatus,
		};
	}
	const message = error instanceof Error ? error.message : String(error);
	return { kind: 'operation', code: 'UNEXPECTED', message: redact(message) };
}
