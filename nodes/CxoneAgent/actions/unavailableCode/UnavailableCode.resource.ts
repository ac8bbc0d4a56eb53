import { getManyOnlyResource } from '../../../../lib/n8n/getManyOnlyResource';
import * as getAll from './getAll.operation';

export { getAll };

export const description = getManyOnlyResource(
	'unavailableCode',
	'unavailable codes',
	'Get the unavailable codes of the business unit or of one team',
	getAll.description,
);
