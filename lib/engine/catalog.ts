/**
 * What the live systems say exists, for validating a rule and for filling in Omni status ids. Each part
 * is optional: a part that is missing (no credential, or not loaded) is simply not checked.
 */
export interface CatalogOmniStatus {
	id: string;
	developerName: string;
	label: string;
	online: boolean;
}

export interface RuleCatalog {
	omniStatuses?: CatalogOmniStatus[];
	unavailableCodes?: Array<{ outStateName: string; isAcw: boolean }>;
	teams?: Array<{ teamId: number; teamName: string }>;
	cxoneAgents?: Array<{ agentId: number; name?: string }>;
	salesforceUsers?: Array<{ id: string; name?: string }>;
}
