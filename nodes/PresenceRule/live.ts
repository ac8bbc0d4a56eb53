/**
 * What the rule knows of the live systems: the lists read through each credential selected on the node,
 * cached per credential for the whole process (lib/directory) so an execution costs no API call when they
 * are fresh. A rule that names something a list lacks (a status created a minute ago), or an event for a
 * user a list lacks (a new hire), reloads that list once before anything is refused.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { cxoneIdentity } from '../../lib/actions/cxoneTarget';
import { salesforceIdentity } from '../../lib/actions/salesforceTarget';
import { cxoneClientFor } from '../../lib/cxone/methods';
import type { CxoneAgent, CxoneClient } from '../../lib/cxone/types';
import { credentialCacheKey, credentialType } from '../../lib/directory/credentialKey';
import type { DirectoryCache } from '../../lib/directory/directoryCache';
import { cxoneDirectories, salesforceDirectories } from '../../lib/directory/liveDirectories';
import type { CxoneDirectories, SalesforceDirectories } from '../../lib/directory/liveDirectories';
import { perList } from '../../lib/directory/shared';
import { counterpartOf, eventProblem, namesMissingFrom, otherSide, TargetDirectory } from '../../lib/engine';
import type { DecideContext, PresenceEvent, PresenceRuleConfig, RuleCatalog, Side, UserIdentity } from '../../lib/engine';
import { salesforceClientFor } from '../../lib/salesforce/methods';
import type { SalesforceClient, SalesforceUser } from '../../lib/salesforce/types';
import { hasCredential } from './credentials';

/** The lists of each side whose credential is selected; a side without one is not checked. */
export interface LiveSystems {
	salesforce?: SalesforceDirectories;
	cxone?: CxoneDirectories;
}

/** The client is made only when a list has to be loaded, and at most once per execution. */
function lazy<C>(make: () => Promise<C>): () => Promise<C> {
	let client: Promise<C> | undefined;
	return () => (client ??= make());
}

export async function liveSystems(ctx: IExecuteFunctions): Promise<LiveSystems> {
	const node = ctx.getNode();
	const selected = (side: Side) => hasCredential(node, credentialType(side, ctx.getNodeParameter('authentication', 0, 'oAuth2')));
	const [salesforceKey, cxoneKey] = await Promise.all([
		selected('salesforce') ? credentialCacheKey(ctx, 'salesforce') : undefined,
		selected('cxone') ? credentialCacheKey(ctx, 'cxone') : undefined,
	]);
	return {
		...(salesforceKey !== undefined && {
			salesforce: salesforceDirectories(salesforceKey, lazy<SalesforceClient>(() => salesforceClientFor(ctx))),
		}),
		...(cxoneKey !== undefined && { cxone: cxoneDirectories(cxoneKey, lazy<CxoneClient>(() => cxoneClientFor(ctx))) }),
	};
}

const agentNames = perList((agents: readonly CxoneAgent[]) =>
	agents.map((agent) => ({ agentId: agent.agentId, name: `${agent.firstName} ${agent.lastName}`.trim() || agent.userName })),
);

/** One part of the catalog from its cached list, reloaded once when the rule names something it lacks. */
async function catalogPart<K extends keyof RuleCatalog, V>(
	rule: PresenceRuleConfig,
	part: K,
	list: DirectoryCache<V> | undefined,
	project: (values: V[]) => RuleCatalog[K],
): Promise<RuleCatalog> {
	if (!list) return {};
	const catalogOf = (values: V[]): RuleCatalog => ({ [part]: project(values) });
	return catalogOf(await list.currentCovering((values) => !namesMissingFrom(rule, catalogOf(values))));
}

/** What the live systems say exists, for validating the rule and for filling in Omni status ids. */
export async function ruleCatalog(live: LiveSystems, rule: PresenceRuleConfig): Promise<RuleCatalog> {
	const parts = await Promise.all([
		catalogPart(rule, 'omniStatuses', live.salesforce?.statuses, (statuses) => statuses),
		catalogPart(rule, 'salesforceUsers', live.salesforce?.users, (users) => users),
		catalogPart(rule, 'unavailableCodes', live.cxone?.unavailableCodes, (codes) => codes),
		catalogPart(rule, 'teams', live.cxone?.teams, (teams) => teams),
		catalogPart(rule, 'cxoneAgents', live.cxone?.agents, agentNames),
	]);
	return Object.assign({}, ...parts);
}

const salesforceCounterparts = perList(
	(users: readonly SalesforceUser[]) => new TargetDirectory<UserIdentity>(users.map(salesforceIdentity), 'salesforce', (user) => user),
);
/** Only active agents: those are the ones a command can reach. */
const cxoneCounterparts = perList(
	(agents: readonly CxoneAgent[]) =>
		new TargetDirectory<UserIdentity>(agents.filter((agent) => agent.isActive).map(cxoneIdentity), 'cxone', (agent) => agent),
);

async function counterpartsOn<V>(
	side: Side,
	list: DirectoryCache<V> | undefined,
	directoryOf: (values: readonly V[]) => TargetDirectory<UserIdentity>,
	rule: PresenceRuleConfig,
	events: readonly PresenceEvent[],
): Promise<DecideContext['counterparts']> {
	const wanted = events.filter((event) => event.side === otherSide(side));
	if (!list || wanted.length === 0) return {};
	const found = (values: readonly V[]) => wanted.every((event) => !('reason' in (counterpartOf(event, rule, directoryOf(values)) ?? {})));
	return { [side]: directoryOf(await list.currentCovering(found)) };
}

/** Each side's user directory, for decide() to look every event's user up on the other side. */
export async function counterparts(live: LiveSystems, rule: PresenceRuleConfig, items: readonly unknown[]): Promise<DecideContext['counterparts']> {
	const events = items.filter((item): item is PresenceEvent => eventProblem(item) === undefined);
	const [salesforce, cxone] = await Promise.all([
		counterpartsOn('salesforce', live.salesforce?.users, salesforceCounterparts, rule, events),
		counterpartsOn('cxone', live.cxone?.agents, cxoneCounterparts, rule, events),
	]);
	return { ...salesforce, ...cxone };
}
