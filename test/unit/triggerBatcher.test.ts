import { Batcher } from '../../lib/triggers/batcher';
import { SeenEvents } from '../../lib/triggers/seenEvents';
import { PresencePipeline } from '../../lib/triggers/pipeline';
import type { PresenceEvent } from '../../lib/engine/types';

function event(eventId: string): PresenceEvent {
	const at = '2025-01-01T12:00:00.000Z';
	return { side: 'cxone', eventId, changedAt: at, observedAt: at, user: { cxoneAgentId: 1 }, state: { kind: 'acd', state: 'Available', reason: null, isAcw: false } };
}

describe('Batcher', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	function collecting(windowMs: number, maxBatch: number) {
		const batches: Array<{ batch: number[]; remaining: number }> = [];
		const batcher = new Batcher<number>({ windowMs, maxBatch, flush: (batch, remaining) => void batches.push({ batch, remaining }), onError: (e) => { throw e; } });
		return { batcher, batches };
	}

	it('sends everything that arrives within the window as one batch', async () => {
		const { batcher, batches } = collecting(150, 5000);
		batcher.push([1, 2]);
		await jest.advanceTimersByTimeAsync(100);
		batcher.push([3]);
		expect(batches).toEqual([]);
		await jest.advanceTimersByTimeAsync(60);
		expect(batches).toEqual([{ batch: [1, 2, 3], remaining: 0 }]);
	});

	it('starts a new window for items after a flush', async () => {
		const { batcher, batches } = collecting(150, 5000);
		batcher.push([1]);
		await jest.advanceTimersByTimeAsync(150);
		batcher.push([2]);
		await jest.advanceTimersByTimeAsync(150);
		expect(batches.map((b) => b.batch)).toEqual([[1], [2]]);
	});

	it('flushes a full batch at once and splits a burst into batches of the maximum size', async () => {
		const { batcher, batches } = collecting(150, 1000);
		batcher.push(Array.from({ length: 2500 }, (_, i) => i));
		await jest.advanceTimersByTimeAsync(0);
		expect(batches.map((b) => [b.batch.length, b.remaining])).toEqual([[1000, 1500], [1000, 500], [500, 0]]);
		expect(batches.flatMap((b) => b.batch)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
	});

	it('turns a burst of 5,000 single pushes inside one window into one batch', async () => {
		const { batcher, batches } = collecting(150, 5000);
		for (let i = 0; i < 5000; i++) batcher.push([i]);
		await jest.advanceTimersByTimeAsync(150);
		expect(batches).toHaveLength(1);
		expect(batches[0].batch).toHaveLength(5000);
	});

	it('never runs two flushes at once', async () => {
		let active = 0;
		let maxActive = 0;
		const batcher = new Batcher<number>({
			windowMs: 10,
			maxBatch: 2,
			flush: async () => {
				active++;
				maxActive = Math.max(maxActive, active);
				await new Promise((resolve) => setTimeout(resolve, 50));
				active--;
			},
			onError: (e) => { throw e; },
		});
		batcher.push([1, 2, 3, 4, 5]);
		await jest.advanceTimersByTimeAsync(500);
		expect(maxActive).toBe(1);
	});

	it('drops queued items on close and flushes nothing afterwards', async () => {
		const { batcher, batches } = collecting(150, 5000);
		batcher.push([1]);
		batcher.close();
		batcher.push([2]);
		await jest.advanceTimersByTimeAsync(1000);
		expect(batches).toEqual([]);
	});

	it('rejects a batch size below 1', () => {
		expect(() => new Batcher<number>({ windowMs: 1, maxBatch: 0, flush: () => undefined, onError: () => undefined })).toThrow('Batch size must be at least 1, got 0');
	});
});

describe('SeenEvents', () => {
	it('says true only the first time an id is offered', () => {
		const seen = new SeenEvents(10);
		expect(seen.firstTime('a')).toBe(true);
		expect(seen.firstTime('a')).toBe(false);
		expect(seen.firstTime('b')).toBe(true);
	});

	it('forgets the least recently seen id beyond its capacity', () => {
		const seen = new SeenEvents(2);
		seen.firstTime('a');
		seen.firstTime('b');
		seen.firstTime('a'); // a is now the most recent
		seen.firstTime('c'); // evicts b
		expect(seen.size).toBe(2);
		expect(seen.firstTime('a')).toBe(false);
		expect(seen.firstTime('b')).toBe(true);
	});
});

describe('PresencePipeline', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	it('de-duplicates by eventId, enriches, and commits the checkpoint only with the batch that drains the queue', async () => {
		let cursor = 0;
		const emitted: Array<{ ids: string[]; checkpoint: number | undefined }> = [];
		const pipeline = new PresencePipeline<number>({
			batchWindowMs: 150,
			maxBatch: 2,
			enrich: async (events) => events.map((e) => ({ ...e, user: { ...e.user, email: 'a@example.com' } })),
			checkpoint: () => cursor,
			emit: (events, checkpoint) => {
				expect(events.every((e) => e.user.email === 'a@example.com')).toBe(true);
				emitted.push({ ids: events.map((e) => e.eventId), checkpoint });
			},
			onError: (e) => { throw e; },
		});
		pipeline.push([event('1'), event('2'), event('1'), event('3')]);
		cursor = 7;
		pipeline.push([event('2')]);
		await jest.advanceTimersByTimeAsync(150);
		expect(emitted).toEqual([
			{ ids: ['1', '2'], checkpoint: undefined },
			{ ids: ['3'], checkpoint: 7 },
		]);
	});
});
