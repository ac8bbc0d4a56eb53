/**
 * The people both emulators are seeded with: agent i has a CXone agent and a Salesforce user that share
 * an email, so identity matching by email works out of the box in the demo and the tests.
 */
export interface SeedAgent {
	index: number;
	firstName: string;
	lastName: string;
	email: string;
	username: string;
	federationId: string;
	teamName: string;
}

const FIRST = ['Ada', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lia', 'Max', 'Nia', 'Oto', 'Pia'];
const LAST = ['Lovelace', 'Okafor', 'Silva', 'Patel', 'Novak', 'Kim', 'Moreau', 'Ito', 'Berg', 'Costa', 'Haddad', 'Rossi'];
export const SEED_TEAMS = ['Support', 'Sales', 'Billing'];

export function seedAgents(count: number): SeedAgent[] {
	return Array.from({ length: count }, (_, index) => {
		const firstName = FIRST[index % FIRST.length];
		const lastName = `${LAST[Math.floor(index / FIRST.length) % LAST.length]}${index >= FIRST.length * LAST.length ? index : ''}`;
		const local = `${firstName}.${lastName}`.toLowerCase();
		const n = String(index + 1).padStart(4, '0');
		return {
			index,
			firstName,
			lastName,
			email: `${local}.${n}@example.com`,
			username: `${local}.${n}@example.com.demo`,
			federationId: `agent-${n}`,
			teamName: SEED_TEAMS[index % SEED_TEAMS.length],
		};
	});
}
