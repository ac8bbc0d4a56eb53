/**
 * Teams and unavailable codes. Per-team codes come in two documented shapes (a top-level array, or
 * wrapped in resultSet) and the business-unit list in PascalCase (cxone.md §3.2): all are read alike.
 */
import { TransportError } from '../errors';
import type { CxoneApi } from './api';
import { bool, optionalId, pick, text } from './fields';
import type { CxoneTeam, UnavailableCode } from './types';

export async function listTeams(api: CxoneApi): Promise<CxoneTeam[]> {
	const rows = await api.getAll('/teams', 'teams');
	return rows.map((raw) => ({ teamId: Number(raw.teamId), teamName: text(raw.teamName), isActive: bool(raw.isActive, true) }));
}

function toUnavailableCode(raw: Record<string, unknown>): UnavailableCode {
	return {
		outStateId: optionalId(pick(raw, 'outStateId', 'OutStateId', 'outStateCode')),
		outStateName: text(pick(raw, 'outStateName', 'OutStateName', 'unavailableCodeName')),
		isAcw: bool(pick(raw, 'isAcw', 'IsAcw', 'isACW')),
		isActive: bool(pick(raw, 'isActive', 'IsActive'), true),
	};
}

function codesIn(path: string, body: any): UnavailableCode[] {
	const list = body?.unavailableCodes ?? body?.resultSet?.unavailableCodes ?? (Array.isArray(body) ? body : undefined);
	if (!Array.isArray(list)) {
		throw new TransportError(
			'cxone',
			'UNEXPECTED_RESPONSE',
			`CXone GET ${path} returned neither unavailableCodes nor resultSet.unavailableCodes (got keys: ${Object.keys(body ?? {}).join(', ') || 'none'})`,
		);
	}
	return list.map(toUnavailableCode).filter((code) => code.outStateName);
}

async function teamCodes(api: CxoneApi, teamId: number): Promise<UnavailableCode[]> {
	const path = `/teams/${encodeURIComponent(String(teamId))}/unavailable-codes`;
	const { status, body } = await api.get(path, { activityOnly: true });
	return status === 204 ? [] : codesIn(path, body);
}

/** Per team, or the business unit's list; where that list is not served, the union of every team's codes. */
export async function listUnavailableCodes(api: CxoneApi, teamId?: number): Promise<UnavailableCode[]> {
	if (teamId !== undefined) return await teamCodes(api, teamId);
	try {
		const { status, body } = await api.get('/unavailable-codes');
		return status === 204 ? [] : codesIn('/unavailable-codes', body);
	} catch (error) {
		if (!(error instanceof TransportError) || error.httpStatus !== 404) throw error;
	}
	const byName = new Map<string, UnavailableCode>();
	for (const team of await listTeams(api)) {
		for (const code of await teamCodes(api, team.teamId)) if (!byName.has(code.outStateName)) byName.set(code.outStateName, code);
	}
	return [...byName.values()];
}
