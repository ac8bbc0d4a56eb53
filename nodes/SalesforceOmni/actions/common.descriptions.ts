/** Parameters several Salesforce Omni-Channel operations share (shapes from lib/actions/descriptions.ts). */
import type { INodeProperties } from 'n8n-workflow';
import { userLookupFields } from '../../../lib/actions/descriptions';

export { dryRunField, inputModeField, returnAllFields } from '../../../lib/actions/descriptions';

export const userFields: INodeProperties[] = userLookupFields('salesforce');
