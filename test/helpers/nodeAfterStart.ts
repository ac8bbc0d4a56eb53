/** One of our nodes run in a real in-process workflow, fed by a Start node with chosen items. */
import { NodeConnectionTypes } from 'n8n-workflow';
import type { ICredentialsHelper, IDataObject, INodeCredentials, INodeExecutionData, INodeParameters, INodeTypes } from 'n8n-workflow';

import { PACKAGE_NAME, TEST_START_TYPE, runWorkflow } from './harness';
import type { WorkflowRun } from './harness';

export interface NodeAfterStart {
	/** The node type's name without the package prefix, e.g. 'cxoneAgent'. */
	type: string;
	name: string;
	parameters: IDataObject;
	credentials: INodeCredentials;
	/** The node's "On Error: Continue" setting. */
	continueOnFail?: boolean;
}

export interface NodeAfterStartRun extends WorkflowRun {
	/** The node's first output; none when it did not run. */
	items: INodeExecutionData[];
	json: IDataObject[];
}

export async function runNodeAfterStart(options: {
	nodeTypes: INodeTypes;
	credentialsHelper: ICredentialsHelper;
	workflowId: string;
	node: NodeAfterStart;
	input: unknown[];
}): Promise<NodeAfterStartRun> {
	const { node } = options;
	const result = await runWorkflow({
		nodeTypes: options.nodeTypes,
		credentialsHelper: options.credentialsHelper,
		workflowId: options.workflowId,
		input: options.input.map((json) => ({ json: json as IDataObject })),
		nodes: [
			{ id: 'start', name: 'Start', type: TEST_START_TYPE, typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: node.name,
				name: node.name,
				type: `${PACKAGE_NAME}.${node.type}`,
				typeVersion: 1,
				position: [200, 0],
				parameters: node.parameters as INodeParameters,
				credentials: node.credentials,
				...(node.continueOnFail && { onError: 'continueRegularOutput' as const }),
			},
		],
		connections: { Start: { main: [[{ node: node.name, type: NodeConnectionTypes.Main, index: 0 }]] } },
	});
	const items = result.run.data.resultData.runData[node.name] ? (result.outputs(node.name)[0] ?? []) : [];
	return { ...result, items, json: items.map((item) => item.json as IDataObject) };
}
