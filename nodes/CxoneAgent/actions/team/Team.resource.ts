import { getManyOnlyResource } from '../../../../lib/n8n/getManyOnlyResource';
import * as getAll from './getAll.operation';

export { getAll };

export const description = getManyOnlyResource('team', 'teams', 'Get the teams of the business unit', getAll.description);
