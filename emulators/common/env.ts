/** Reads a port from the environment: unset or empty → fallback; 0 = any free port. */
export function portFromEnv(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const port = Number(raw);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		throw new Error(`${name} must be a port number from 0 to 65535 (0 = any free port); got '${raw}'`);
	}
	return port;
}
