/**
 * The lists each side's nodes read, as DirectoryCaches: shared by every execution when given the
 * credential's cacheKey, or private to one caller (one execution) without it. Plain functions of a
 * client, so n8n-free; the client is asked for only when a list has to be loaded.
 */
import type { CxoneAgent, CxoneClient, CxoneTeam, UnavailableCode } from '../cxone/types';
import type { OmniStatus, SalesforceClient, SalesforceUser } from '../salesforce/types';
import { DirectoryCache } from './directoryCache';
import { sharedDirectory } from './shared';

export interface SalesforceDirectories {
	statuses: DirectoryCache<OmniStatus>;
	/** Active users only. */
	users: DirectoryCache<SalesforceUser>;
}

export interface CxoneDirectories {
	/** Every agent, active or not (rule validation knows inactive ones; writes filter on isActive). */
	agents: DirectoryCache<CxoneAgent>;
	teams: DirectoryCache<CxoneTeam>;
	/** Business-unit wide. */
	unavailableCodes: DirectoryCache<UnavailableCode>;
}

function directory<V>(list: string, cacheKey: string | undefined, load: () => Promise<V[]>): DirectoryCache<V> {
	return cacheKey === undefined ? new DirectoryCache({ load }) : sharedDirectory(`${list}|${cacheKey}`, load);
}

export function salesforceDirectories(cacheKey: string | undefined, client: () => Promise<SalesforceClient>): SalesforceDirectories {
	return {
		statuses: directory('salesforce:statuses', cacheKey, async () => (await client()).listStatuses()),
		users: directory('salesforce:users', cacheKey, async () => (await client()).listUsers({ activeOnly: true })),
	};
}

export function cxoneDirectories(cacheKey: string | undefined, client: () => Promise<CxoneClient>): CxoneDirectories {
	return {
		agents: directory('cxone:agents', cacheKey, async () => (await client()).listAgents()),
		teams: directory('cxone:teams', cacheKey, async () => (await client()).listTeams()),
		unavailableCodes: directory('cxone:unavailableCodes', cacheKey, async () => (await client()).listUnavailableCodes()),
	};
}
