/** The REST error envelope: a JSON array with one {message, errorCode[, fields]} element. */
import { json, type Reply } from '../common/http';

export class SalesforceApiError extends Error {
	constructor(
		readonly status: number,
		readonly errorCode: string,
		message: string,
		readonly fields?: string[],
	) {
		super(message);
	}

	toReply(): Reply {
		return json(this.status, [this.toBody()]);
	}

	toBody(): { message: string; errorCode: string; fields?: string[] } {
		return this.fields
			? { message: this.message, errorCode: this.errorCode, fields: this.fields }
			: { message: this.message, errorCode: this.errorCode };
	}
}

export const notFound = (message = 'The requested resource does not exist') =>
	new SalesforceApiError(404, 'NOT_FOUND', message);

/** Runs a handler body, turning a thrown SalesforceApiError into its reply. */
export async function guarded(body: () => Reply | Promise<Reply>): Promise<Reply> {
	try {
		return await body();
	} catch (error) {
		if (error instanceof SalesforceApiError) return error.toReply();
		throw error;
	}
}
