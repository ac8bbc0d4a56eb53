/**
 * The n8n side of both action nodes, in one place so the two nodes do not carry twins of it: a result
 * per input item (pairedItem), "Continue On Fail", and failures surfaced as NodeApiError with the
 * service's own code, or NodeOperationError for input and the unexpected. The only file of lib/actions that imports n8n.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { credentialCacheKey } from '../directory/credentialKey';
import { sharedEchoLedger } from '../engine/echoLedger';
import { SIDE_LABELS } from '../engine/identity';
import type { CommandUser, Side, SyncCommand } from '../engine/types';
import { applyCommands } from './applyCommands';
import type { PresenceTarget } from './applyCommands';
import { commandProblem } from './commandCheck';
import { lookUpUser, manualUser } from './defineBelow';
import type { UserLookup } from './defineBelow';
import { ActionInputError, failureFrom } from './failure';
import type { ActionFailure } from './failure';

/** One input item's result: data to output (one or more items), or why it failed. */
export type ItemResult =
	| { json: IDataObject | IDataObject[]; failure?: undefined }
	/** `json` with a failure: an ApplyResult of outcome 'failed', output as is under Continue On Fail. */
	| { json?: IDataObject; failure: ActionFailure };

export function nodeError(node: INode, failure: ActionFailure, itemIndex?: number): NodeApiError | NodeOperationError {
	if (failure.kind === 'operation') {
		return new NodeOperationError(node, failure.message, { itemIndex, description: failure.description });
	}
	const service = failure.service ? SIDE_LABELS[failure.service as Side] : 'The service';
	const message = failure.message.includes(failure.code) ? failure.message : `${failure.code}: ${failure.message}`;
	const error = new NodeApiError(
		node,
		{ message, code: failure.code, ...(failure.httpStatus && { httpCode: String(failure.httpStatus) }) } as JsonObject,
		{
			message,
			description: failure.description ?? `${service} answered with error code ${failure.code}.`,
			itemIndex,
			...(failure.httpStatus && { httpCode: String(failure.httpStatus) }),
		},
	);
	error.context = { ...error.context, errorCode: failure.code };
	return error;
}

/**
 * Output items for the results, one group per input item in order. Without Continue On Fail the first
 * failure is thrown; with it, a failed item carries its failure (or `error`) and the rest go on.
 */
export function outputItems(ctx: IExecuteFunctions, results: ItemResult[]): INodeExecutionData[] {
	const continueOnFail = ctx.continueOnFail();
	const output: INodeExecutionData[] = [];
	results.forEach((result, item) => {
		if (result.failure && !continueOnFail) throw nodeError(ctx.getNode(), result.failure, item);
		const json = result.json ?? { error: result.failure?.message, errorCode: result.failure?.code };
		for (const one of Array.isArray(json) ? json : [json]) output.push({ json: one, pairedItem: { item: item } });
	});
	return output;
}

/**
 * Results of work done for the whole batch at once; when it fails as a whole (e.g. the directory could
 * not be read), every item gets that failure.
 */
export async function batchResults(count: number, work: () => Promise<ItemResult[]>): Promise<ItemResult[]> {
	try {
		return await work();
	} catch (error) {
		const failure = failureFrom(error);
		return Array.from({ length: count }, () => ({ failure }));
	}
}

/** Runs `task` for each input item in turn, collecting its result or failure. */
export async function eachItem(
	count: number,
	task: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<ItemResult[]> {
	const results: ItemResult[] = [];
	for (let i = 0; i < count; i++) {
		try {
			results.push({ json: await task(i) });
		} catch (error) {
			results.push({ failure: failureFrom(error) });
		}
	}
	return results;
}

/**
 * The Set operation of either node: read a SyncCommand from each item (`readCommand` throws an
 * ActionInputError for a bad item), apply all of them in one pass, and give one result per item.
 */
export async function applyCommandItems<U>(
	ctx: IExecuteFunctions,
	target: PresenceTarget<U>,
	readCommand: (itemIndex: number) => SyncCommand,
): Promise<ItemResult[]> {
	const count = ctx.getInputData().length;
	const results: ItemResult[] = new Array(count);
	const commands: Array<{ item: number; command: SyncCommand }> = [];
	for (let item = 0; item < count; item++) {
		try {
			commands.push({ item, command: readCommand(item) });
		} catch (error) {
			results[item] = { failure: failureFrom(error) };
		}
	}
	const applied = await batchResults(commands.length, async () => {
		await shareDirectories(ctx, target);
		const entries = await applyCommands(
			commands.map(({ command }) => command),
			target,
			{ ledger: sharedEchoLedger(), scope: ctx.getWorkflow().id ?? '', now: () => new Date() },
		);
		return entries.map(({ result, failure }) => ({ json: result as unknown as IDataObject, failure }) as ItemResult);
	});
	applied.forEach((result, i) => (results[commands[i].item] = result));
	return results;
}

/** The user picked in an operation's lookup fields (see descriptions.ts userLookupFields). */
export function readUserLookup(ctx: IExecuteFunctions, itemIndex: number): { lookupBy: UserLookup; value: string } {
	const lookupBy = ctx.getNodeParameter('lookupBy', itemIndex) as UserLookup;
	const field = lookupBy === 'id' ? 'userId' : lookupBy;
	return { lookupBy, value: String(ctx.getNodeParameter(field, itemIndex) ?? '') };
}

/** Return All / Limit (see descriptions.ts returnAllFields): how many to return, or undefined for all. */
export function readLimit(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	return ctx.getNodeParameter('returnAll', itemIndex) ? undefined : (ctx.getNodeParameter('limit', itemIndex) as number);
}

/** "From Presence Rule": the item's json, checked to be a SyncCommand for this node's side. */
export function commandFromItem(ctx: IExecuteFunctions, side: Side, itemIndex: number): SyncCommand {
	const json = ctx.getInputData()[itemIndex].json;
	const problem = commandProblem(json, side);
	if (problem) {
		throw new ActionInputError(
			`Item ${itemIndex} is not a command for ${SIDE_LABELS[side]}: ${problem}`,
			"Connect this node to a Presence Rule's command output, or set Input to 'Define Below'.",
		);
	}
	return json as unknown as SyncCommand;
}

/** A unique event id for a Define Below command. */
export function manualEventId(ctx: IExecuteFunctions, itemIndex: number): string {
	return `manual:${ctx.getExecutionId() ?? 'unsaved'}:${itemIndex}`;
}

/** The target reads its lists from the process-wide caches of the node's credential, not once per execution. */
async function shareDirectories<U>(ctx: IExecuteFunctions, target: PresenceTarget<U>): Promise<void> {
	target.shareDirectories(await credentialCacheKey(ctx, target.side));
}

/**
 * The user picked in each item's lookup fields, resolved against the side's directory (cached, reloaded
 * once when a user picked is missing). `users[i]` is undefined when item i failed; its failure is in `results[i]`.
 */
export async function usersOfItems<U>(
	ctx: IExecuteFunctions,
	target: PresenceTarget<U>,
): Promise<{ users: Array<U | undefined>; results: ItemResult[] }> {
	await shareDirectories(ctx, target);
	const wanted: Array<CommandUser | undefined> = [];
	const read = await eachItem(ctx.getInputData().length, async (i) => {
		const { lookupBy, value } = readUserLookup(ctx, i);
		wanted[i] = manualUser(target.side, lookupBy, value);
		return {};
	});
	const directory = await target.directory((users) => wanted.every((user) => !user || !('reason' in users.find(user))));
	const users: Array<U | undefined> = [];
	const results = read.map((result, i): ItemResult => {
		const user = wanted[i];
		if (!user) return result;
		try {
			users[i] = lookUpUser(directory, user);
			return result;
		} catch (error) {
			return { failure: failureFrom(error) };
		}
	});
	return { users, results };
}
