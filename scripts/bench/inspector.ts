/**
 * A minimal client of the V8 inspector of a process started with --inspect=127.0.0.1:<port>: enough to
 * force a full garbage collection and read the live heap, so a memory figure is what the process holds,
 * not what its collector has not got round to freeing yet.
 */
import WebSocket from 'ws';

export interface Inspector {
	/** Full, compacting collection (HeapProfiler.collectGarbage). */
	collectGarbage(): Promise<void>;
	/** V8 heap in use, bytes (Runtime.getHeapUsage). */
	heapUsed(): Promise<number>;
	close(): void;
}

export async function connectInspector(port: number, timeoutMs = 30_000): Promise<Inspector> {
	const deadline = Date.now() + timeoutMs;
	let targets: Array<{ webSocketDebuggerUrl?: string }> = [];
	while (targets.length === 0) {
		try {
			targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(2000) })).json()) as typeof targets;
		} catch (error) {
			if (Date.now() > deadline) throw new Error(`No V8 inspector on 127.0.0.1:${port}: ${(error as Error).message}`);
			await new Promise((done) => setTimeout(done, 200));
		}
	}
	const url = targets[0].webSocketDebuggerUrl;
	if (url === undefined) throw new Error(`The inspector on 127.0.0.1:${port} lists no debugger URL`);
	const socket = new WebSocket(url);
	await new Promise<void>((open, fail) => {
		socket.once('open', () => open());
		socket.once('error', fail);
	});
	let nextId = 0;
	const pending = new Map<number, { resolve(result: Record<string, unknown>): void; reject(error: Error): void }>();
	socket.on('message', (data) => {
		const message = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
		const waiter = message.id === undefined ? undefined : pending.get(message.id);
		if (!waiter) return;
		pending.delete(message.id as number);
		if (message.error) waiter.reject(new Error(`Inspector: ${message.error.message}`));
		else waiter.resolve(message.result ?? {});
	});
	const call = async (method: string) =>
		await new Promise<Record<string, unknown>>((resolve, reject) => {
			const id = ++nextId;
			pending.set(id, { resolve, reject });
			socket.send(JSON.stringify({ id, method }));
		});
	return {
		collectGarbage: async () => {
			await call('HeapProfiler.collectGarbage');
		},
		heapUsed: async () => Number((await call('Runtime.getHeapUsage')).usedSize),
		close: () => socket.close(),
	};
}
