import { TransportError } from '../../lib/errors';
import { TaskLoop, isFatal } from '../../lib/triggers/taskLoop';

describe('TaskLoop', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	function loop(task: () => Promise<void>, intervalMs = 1000) {
		const reports = { persistent: [] as Error[], fatal: [] as Error[], recovered: [] as number[] };
		const taskLoop = new TaskLoop({
			name: 'test',
			intervalMs,
			task,
			onPersistentFailure: (error) => reports.persistent.push(error),
			onFatalFailure: (error) => reports.fatal.push(error),
			onRecovered: (failures) => reports.recovered.push(failures),
			maxBackoffMs: 8000,
			failuresBeforeReport: 3,
		});
		return { taskLoop, reports };
	}

	it('schedules the next run only after the previous one has finished', async () => {
		const starts: number[] = [];
		const { taskLoop } = loop(async () => {
			starts.push(Date.now());
			await new Promise((resolve) => setTimeout(resolve, 700));
		});
		const t0 = Date.now();
		taskLoop.start(0);
		await jest.advanceTimersByTimeAsync(5000);
		await taskLoop.stop();
		expect(starts.map((t) => t - t0)).toEqual([0, 1700, 3400]);
	});

	it('backs off on transient failures, reports a persisting one once, and says when it recovered', async () => {
		let calls = 0;
		const { taskLoop, reports } = loop(async () => {
			calls++;
			if (calls <= 5) throw new TransportError('cxone', 'HTTP_503', 'Service Unavailable', 503);
		});
		taskLoop.start(0);
		// Delays after failures 1..5: 2 s, 4 s, 8 s, 8 s (capped), 8 s.
		await jest.advanceTimersByTimeAsync(2000 + 4000 + 8000 + 8000 + 8000);
		await taskLoop.stop();
		expect(calls).toBe(6);
		expect(reports.persistent.map((e) => e.message)).toEqual(['Service Unavailable']);
		expect(reports.recovered).toEqual([5]);
		expect(reports.fatal).toEqual([]);
	});

	it('stops and reports a fatal failure (credentials rejected) without retrying', async () => {
		let calls = 0;
		const { taskLoop, reports } = loop(async () => {
			calls++;
			throw new TransportError('cxone', 'invalid_grant', 'Access key rejected', 400);
		});
		taskLoop.start(0);
		await jest.advanceTimersByTimeAsync(60000);
		expect(calls).toBe(1);
		expect(reports.fatal.map((e) => e.message)).toEqual(['Access key rejected']);
	});

	it('runs at once when kicked, and never after stop', async () => {
		let calls = 0;
		const { taskLoop } = loop(async () => void calls++, 60000);
		taskLoop.start();
		taskLoop.kick();
		await jest.advanceTimersByTimeAsync(0);
		expect(calls).toBe(1);
		await taskLoop.stop();
		taskLoop.kick();
		await jest.advanceTimersByTimeAsync(120000);
		expect(calls).toBe(1);
	});

	it('classifies errors', () => {
		expect(isFatal(new TransportError('salesforce', 'INVALID_SESSION_ID', 'Session expired', 401))).toBe(true);
		expect(isFatal(new TransportError('cxone', 'HTTP_429', 'Too many requests', 429))).toBe(false);
		expect(isFatal(new Error('socket hang up'))).toBe(false);
	});
});
