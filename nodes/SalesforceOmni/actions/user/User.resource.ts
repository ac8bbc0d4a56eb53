import { getManyOnlyResource } from '../../../../lib/n8n/getManyOnlyResource';
import * as getAll from './getAll.operation';

export { getAll };

export const description = getManyOnlyResource(
	'user',
	'users',
	'Get Salesforce users, with the identity fields used to match them to CXone agents',
	getAll.description,
);
