/**
 * The live agent console (DESIGN.md §8): a page on 127.0.0.1 showing every agent's CXone state and Omni
 * status side by side, whether they agree under the template's Presence Rule, and buttons to act as the
 * agent on either side. The page gets a snapshot over a WebSocket (/ws) and then one message per change.
 *
 * Messages to the page: {type:'snapshot', rows, stats, options} on connect, {type:'row', row} per change,
 * {type:'stats', stats} when counts, API counters or latencies move. Actions: POST /api/action
 * (ConsoleAction) → {row} or {error}. GET /api/snapshot answers the same snapshot as JSON.
 */
import { readFileSync } from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { WebSocketServer, type WebSocket } from 'ws';

import type { PresenceRuleConfig } from '../../lib/engine/rule';
import type { CxoneEmulator } from '../cxone';
import type { SalesforceEmulator } from '../salesforce';
import { applyAction, type ConsoleAction } from './actions';
import { Board, type AgentRow, type BoardStats } from './board';
import { templateRule } from './templateRule';

export type { AgentRow, BoardStats, ObservedSync } from './board';
export type { SyncMark } from './syncMark';
export type { ConsoleAction } from './actions';

export interface ConsoleOptions {
	/** 0 = any free port. Default 0. */
	port?: number;
	salesforce: SalesforceEmulator;
	cxone: CxoneEmulator;
	/** The rule rows are judged by. Default: the Presence Rule of templates/bidirectional-presence-sync.json. */
	rule?: PresenceRuleConfig;
}

export interface ConsoleOptionsForPage {
	omniStatuses: Array<{ developerName: string; label: string; online: boolean }>;
	unavailableCodes: string[];
}

export interface AgentConsole {
	url: string;
	port: number;
	/** The model behind the page: rows(), stats(), and 'row' / 'sync' events (the demo prints syncs). */
	board: Board;
	stop(): Promise<void>;
}

const STATS_EVERY_MS = 500;

export async function startConsole(options: ConsoleOptions): Promise<AgentConsole> {
	const { salesforce, cxone } = options;
	const rule = options.rule ?? templateRule();
	const board = new Board(salesforce, cxone, rule);
	const page = readFileSync(path.join(__dirname, 'index.html'));
	const pageOptions: ConsoleOptionsForPage = {
		omniStatuses: salesforce.statuses().map(({ developerName, label, online }) => ({ developerName, label, online })),
		// What an agent can pick in MAX: every active code of the business unit, not only those the rule maps
		// (an unmapped one shows how the rule leaves it alone). ACW codes come from ending a contact.
		unavailableCodes: cxone
			.unavailableCodes()
			.filter((code) => code.isActive && !code.isAcw)
			.map((code) => code.outStateName),
	};
	const snapshot = () => ({ rows: board.rows(), stats: board.stats(), options: pageOptions });

	const server = http.createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const send = (status: number, body: unknown) => {
			response.writeHead(status, { 'Content-Type': 'application/json' });
			response.end(JSON.stringify(body));
		};
		if (request.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
			response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
			response.end(page);
		} else if (request.method === 'GET' && url.pathname === '/api/snapshot') {
			send(200, snapshot());
		} else if (request.method === 'POST' && url.pathname === '/api/action') {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				try {
					const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as ConsoleAction;
					send(200, { row: applyAction(board, salesforce, cxone, body) });
				} catch (error) {
					const status = (error as { status?: unknown }).status;
					send(typeof status === 'number' && status >= 400 && status < 500 ? status : 400, { error: (error as Error).message });
				}
			});
		} else {
			send(404, { error: `No such page: ${request.method} ${url.pathname}; the console serves /, /ws, GET /api/snapshot, POST /api/action` });
		}
	});

	const sockets = new WebSocketServer({ server, path: '/ws' });
	const broadcast = (message: unknown) => {
		const data = JSON.stringify(message);
		for (const socket of sockets.clients) if (socket.readyState === socket.OPEN) socket.send(data);
	};
	sockets.on('connection', (socket: WebSocket) => socket.send(JSON.stringify({ type: 'snapshot', ...snapshot() })));
	const onRow = (row: AgentRow) => broadcast({ type: 'row', row });
	board.on('row', onRow);

	// API counters move without any row changing (trigger polls), so stats go out on a timer when they differ.
	let lastStats = '';
	const statsTimer = setInterval(() => {
		const stats: BoardStats = board.stats();
		const text = JSON.stringify(stats);
		if (text === lastStats) return;
		lastStats = text;
		broadcast({ type: 'stats', stats });
	}, STATS_EVERY_MS);
	statsTimer.unref();

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		board,
		stop: async () => {
			clearInterval(statsTimer);
			board.off('row', onRow);
			board.close();
			for (const socket of sockets.clients) socket.terminate();
			await new Promise<void>((resolve) => sockets.close(() => resolve()));
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
