import { getManyOnlyResource } from '../../../../lib/n8n/getManyOnlyResource';
import * as getAll from './getAll.operation';

export { getAll };

export const description = getManyOnlyResource(
	'presenceStatus',
	'presence statuses',
	'Get the Omni-Channel presence statuses the integration user can see',
	getAll.description,
);
