/** The description of a resource whose only operation is Get Many (a list the integration reads). */
import type { INodeProperties } from 'n8n-workflow';

/**
 * The resource's Operation field, then the Get Many operation's own fields. `plural` names the records
 * in the action ("Get many teams"); `description` says which of them are listed.
 */
export function getManyOnlyResource(resource: string, plural: string, description: string, fields: INodeProperties[]): INodeProperties[] {
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource] } },
			options: [{ name: 'Get Many', value: 'getAll', description, action: `Get many ${plural}` }],
			default: 'getAll',
		},
		...fields,
	];
}
