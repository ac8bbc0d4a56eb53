/**
 * The router of an action node, as n8n's Airtable v2 has it: the node's resource and operation name an
 * `<op>.operation.ts` module, whose execute() runs with what the node gives every operation (a client or
 * a target), made only once the operation is known to exist.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

interface Operation<T> {
	execute(this: IExecuteFunctions, input: T): Promise<INodeExecutionData[]>;
}

/** `resources`: each resource's module (`import * as`), whose exports are its operations. */
export async function routeOperation<T>(
	ctx: IExecuteFunctions,
	resources: Record<string, object>,
	operationInput: () => Promise<T>,
): Promise<INodeExecutionData[][]> {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const run = (resources[resource] as Record<string, Operation<T> | undefined> | undefined)?.[operation];
	if (!run?.execute) {
		throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" of resource "${resource}" is not supported`);
	}
	return [await run.execute.call(ctx, await operationInput())];
}
