/** Parameters several CXone Agent operations share (shapes from lib/actions/descriptions.ts). */
import type { INodeProperties } from 'n8n-workflow';
import { userLookupFields } from '../../../lib/actions/descriptions';

export { dryRunField, inputModeField, returnAllFields } from '../../../lib/actions/descriptions';

export const agentFields: INodeProperties[] = userLookupFields('cxone');

export const teamField: INodeProperties = {
	displayName: 'Team Name or ID',
	name: 'teamId',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getTeams' },
	default: '',
	description:
		'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code-examples/expressions/">expression</a>',
};
