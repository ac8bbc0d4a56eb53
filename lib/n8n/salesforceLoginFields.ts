/**
 * The Environment and Custom URL fields both Salesforce credentials start with: which login server to
 * sign in at (lib/salesforce/credentials.ts loginUrlFor reads them). Each credential says what a custom
 * URL is for it.
 */
import type { INodeProperties } from 'n8n-workflow';

export interface CustomUrlText {
	/** Shown under the Custom URL choice of Environment. */
	choice: string;
	placeholder: string;
	description: string;
}

export function salesforceLoginFields(custom: CustomUrlText): INodeProperties[] {
	return [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production', description: 'login.salesforce.com' },
				{ name: 'Sandbox', value: 'sandbox', description: 'test.salesforce.com' },
				{ name: 'Custom URL', value: 'custom', description: custom.choice },
			],
			default: 'production',
		},
		{
			displayName: 'Custom URL',
			name: 'customUrl',
			type: 'string',
			default: '',
			placeholder: custom.placeholder,
			description: custom.description,
			displayOptions: { show: { environment: ['custom'] } },
			required: true,
		},
	];
}
