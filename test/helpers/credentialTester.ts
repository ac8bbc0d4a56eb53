/**
 * A credential run the way n8n's editor runs it, with n8n-core's own parts: the "Test" button's node
 * around the credential's test request, executed by RoutingNode, and a one-node workflow to build load
 * options and execute contexts on.
 */
import { ExecuteContext, RoutingNode } from 'n8n-core';
import { createEmptyRunExecutionData, Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsHelper,
	ICredentialTestRequest,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

/** The node n8n's credentials tester builds around a credential's test request. */
export function credentialTesterType(credential: string, request: ICredentialTestRequest['request']): INodeType {
	return {
		description: {
			displayName: 'Credential Test',
			name: 'credentialTest',
			group: ['input'],
			version: 1,
			description: '',
			defaults: { name: 'Temp-Node' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credential, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request }, default: '' }],
		},
	};
}

export interface ContextParts {
	node: INode;
	workflow: Workflow;
	additionalData: IWorkflowExecuteAdditionalData;
}

export interface ContextOptions {
	nodeTypes: INodeTypes;
	/** Name of the node's type in `nodeTypes`. */
	type: string;
	/** 'Temp-Node' is the name n8n's tester gives its node. */
	name: string;
	credentialsHelper: ICredentialsHelper;
	credentials: INodeCredentials;
	parameters?: INodeParameters;
}

/** A workflow of one node, with what an n8n-core context needs around it. */
export function oneNodeWorkflow(options: ContextOptions): ContextParts {
	const node: INode = {
		id: 'temp',
		name: options.name,
		type: options.type,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters ?? {},
		credentials: options.credentials,
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: options.nodeTypes });
	const additionalData = { credentialsHelper: options.credentialsHelper, variables: {}, executionId: '1' } as unknown as IWorkflowExecuteAdditionalData;
	return { node, workflow, additionalData };
}

/** n8n's "Test" button: credentials-tester.service runs the test request through RoutingNode. */
export async function runTesterNode(
	{ node, workflow, additionalData }: ContextParts,
	testerType: INodeType,
	credential: { id: string; name: string; type: string; data: ICredentialDataDecryptedObject },
): Promise<INodeExecutionData[][] | undefined> {
	const input = { main: [[{ json: {} }]] };
	const context = new ExecuteContext(workflow, node, additionalData, 'internal', createEmptyRunExecutionData(), 0, [], input, { node, data: input, source: null }, []);
	return await new RoutingNode(context, testerType, credential).runNode();
}
