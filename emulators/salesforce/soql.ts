/**
 * A SOQL parser for the subset the package and its tests use: a tokenizer and a recursive-descent parser
 * producing a syntax tree. Names are not checked here (see query.ts); syntax errors carry the position
 * so the message looks like Salesforce's MALFORMED_QUERY ("ERROR at Row:1:Column:12 unexpected token").
 *
 *   query      := SELECT fieldList FROM ident [WHERE condition] [ORDER BY order {, order}] [LIMIT n] [OFFSET n]
 *   condition  := andExpr {OR andExpr}
 *   andExpr    := unary {AND unary}
 *   unary      := NOT unary | '(' condition ')' | comparison
 *   comparison := field (op literal | [NOT] IN '(' literal {, literal} ')' | LIKE string)
 */
import { SalesforceApiError } from './errors';

export interface FieldRef {
	/** Dotted path as written, e.g. ['ServicePresenceStatus', 'DeveloperName']. */
	path: string[];
	pos: number;
}

export type Literal =
	| { kind: 'string'; value: string; pos: number }
	| { kind: 'number'; value: number; pos: number }
	| { kind: 'boolean'; value: boolean; pos: number }
	| { kind: 'null'; value: null; pos: number }
	| { kind: 'datetime'; value: number; text: string; pos: number }
	| { kind: 'date'; value: number; text: string; pos: number };

export type ComparisonOperator = '=' | '!=' | '<' | '>' | '<=' | '>=';

export type Condition =
	| { kind: 'and' | 'or'; left: Condition; right: Condition }
	| { kind: 'not'; operand: Condition; pos: number }
	| { kind: 'compare'; field: FieldRef; op: ComparisonOperator; value: Literal }
	| { kind: 'in'; field: FieldRef; negated: boolean; values: Literal[] }
	| { kind: 'like'; field: FieldRef; pattern: Literal };

export interface OrderItem {
	field: FieldRef;
	descending: boolean;
	nullsLast: boolean;
}

export interface SoqlQuery {
	text: string;
	fields: FieldRef[];
	object: { name: string; pos: number };
	where?: Condition;
	orderBy: OrderItem[];
	limit?: number;
	offset?: number;
	/** Positions of the clauses PushTopic queries may not use. */
	clausePositions: { orderBy?: number; limit?: number; offset?: number };
}

type TokenType = 'ident' | 'string' | 'number' | 'datetime' | 'date' | 'op' | 'punct' | 'eof';

interface Token {
	type: TokenType;
	text: string;
	pos: number;
	value?: string | number;
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;
const NUMBER = /^-?\d+(\.\d+)?(?![\w-])/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPERATORS = ['<=', '>=', '!=', '<>', '=', '<', '>'];
/** Words SOQL reserves: never a field or object name. */
const RESERVED = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'LIKE', 'ORDER', 'BY', 'LIMIT', 'OFFSET', 'NULL', 'TRUE', 'FALSE', 'ASC', 'DESC', 'NULLS']);

/** Builds Salesforce's positional error text: the query line, a caret, Row/Column, then the detail. */
export function positionedMessage(text: string, pos: number, detail: string): string {
	const before = text.slice(0, pos);
	const row = before.split('\n').length;
	const lineStart = before.lastIndexOf('\n') + 1;
	const lineEnd = text.indexOf('\n', pos);
	const line = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
	const column = pos - lineStart + 1;
	return `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${detail}`;
}

const malformed = (text: string, pos: number, detail: string) =>
	new SalesforceApiError(400, 'MALFORMED_QUERY', positionedMessage(text, pos, detail));

function parseDatetime(match: RegExpExecArray): number {
	const [, y, mo, d, h, mi, s, frac, zone] = match;
	const ms = frac ? Number(frac.slice(1).padEnd(3, '0')) : 0;
	let offsetMinutes = 0;
	if (zone !== 'Z') {
		const sign = zone[0] === '-' ? -1 : 1;
		const digits = zone.slice(1).replace(':', '');
		offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
	}
	return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms) - offsetMinutes * 60_000;
}

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let pos = 0;
	while (pos < text.length) {
		const rest = text.slice(pos);
		const space = /^\s+/.exec(rest);
		if (space) {
			pos += space[0].length;
			continue;
		}
		let match: RegExpExecArray | null;
		if ((match = DATETIME.exec(rest))) {
			tokens.push({ type: 'datetime', text: match[0], pos, value: parseDatetime(match) });
		} else if ((match = DATE.exec(rest))) {
			const [y, m, d] = match[0].split('-').map(Number);
			tokens.push({ type: 'date', text: match[0], pos, value: Date.UTC(y, m - 1, d) });
		} else if ((match = NUMBER.exec(rest))) {
			tokens.push({ type: 'number', text: match[0], pos, value: Number(match[0]) });
		} else if ((match = IDENT.exec(rest))) {
			tokens.push({ type: 'ident', text: match[0], pos });
		} else if (rest[0] === "'") {
			tokens.push(readString(text, pos));
		} else {
			const op = OPERATORS.find((o) => rest.startsWith(o));
			if (op) tokens.push({ type: 'op', text: op, pos });
			else if ('(),.'.includes(rest[0])) tokens.push({ type: 'punct', text: rest[0], pos });
			else throw malformed(text, pos, `unexpected token: '${rest[0]}'`);
		}
		pos += tokens[tokens.length - 1].text.length;
	}
	tokens.push({ type: 'eof', text: '<EOF>', pos: text.length });
	return tokens;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', "'": "'", '"': '"', '\\': '\\', _: '\\_', '%': '\\%' };

function readString(text: string, start: number): Token {
	let value = '';
	let pos = start + 1;
	while (pos < text.length) {
		const c = text[pos];
		if (c === "'") return { type: 'string', text: text.slice(start, pos + 1), pos: start, value };
		if (c === '\\') {
			const escaped = ESCAPES[text[pos + 1]];
			if (escaped === undefined) throw malformed(text, pos, `Invalid string literal '${text.slice(start, pos + 2)}'. Illegal character sequence '\\${text[pos + 1] ?? ''}' in string literal.`);
			value += escaped;
			pos += 2;
			continue;
		}
		value += c;
		pos += 1;
	}
	throw malformed(text, start, `Unterminated string literal starting at ${text.slice(start)}`);
}

class Parser {
	private index = 0;

	constructor(
		private readonly text: string,
		private readonly tokens: Token[],
	) {}

	private peek(): Token {
		return this.tokens[this.index];
	}

	private isKeyword(word: string, offset = 0): boolean {
		const t = this.tokens[this.index + offset];
		return t.type === 'ident' && t.text.toUpperCase() === word;
	}

	private unexpected(): SalesforceApiError {
		const t = this.peek();
		return malformed(this.text, t.pos, t.type === 'eof' ? 'unexpected token: <EOF>' : `unexpected token: '${t.text}'`);
	}

	private expectKeyword(word: string): Token {
		if (!this.isKeyword(word)) throw this.unexpected();
		return this.tokens[this.index++];
	}

	private expectPunct(p: string): void {
		if (this.peek().type !== 'punct' || this.peek().text !== p) {
			if (p === ')') throw malformed(this.text, this.peek().pos, `expecting a right parentheses, found '${this.peek().text}'`);
			throw this.unexpected();
		}
		this.index++;
	}

	private acceptPunct(p: string): boolean {
		if (this.peek().type === 'punct' && this.peek().text === p) {
			this.index++;
			return true;
		}
		return false;
	}

	parseQuery(): SoqlQuery {
		this.expectKeyword('SELECT');
		const fields = [this.parseField()];
		while (this.acceptPunct(',')) fields.push(this.parseField());
		this.expectKeyword('FROM');
		if (!this.isName()) throw this.unexpected();
		const object = { name: this.peek().text, pos: this.peek().pos };
		this.index++;
		const query: SoqlQuery = { text: this.text, fields, object, orderBy: [], clausePositions: {} };
		if (this.isKeyword('WHERE')) {
			this.index++;
			query.where = this.parseOr();
		}
		if (this.isKeyword('ORDER')) {
			query.clausePositions.orderBy = this.peek().pos;
			this.index++;
			this.expectKeyword('BY');
			do query.orderBy.push(this.parseOrderItem());
			while (this.acceptPunct(','));
		}
		if (this.isKeyword('LIMIT')) {
			query.clausePositions.limit = this.peek().pos;
			this.index++;
			query.limit = this.parseCount();
		}
		if (this.isKeyword('OFFSET')) {
			query.clausePositions.offset = this.peek().pos;
			this.index++;
			query.offset = this.parseCount();
		}
		if (this.peek().type !== 'eof') throw this.unexpected();
		return query;
	}

	private parseCount(): number {
		const t = this.peek();
		if (t.type !== 'number' || !Number.isInteger(t.value) || (t.value as number) < 0) throw this.unexpected();
		this.index++;
		return t.value as number;
	}

	private isName(): boolean {
		const t = this.peek();
		return t.type === 'ident' && !RESERVED.has(t.text.toUpperCase());
	}

	private parseField(): FieldRef {
		if (!this.isName()) throw this.unexpected();
		const ref: FieldRef = { path: [this.peek().text], pos: this.peek().pos };
		this.index++;
		while (this.peek().type === 'punct' && this.peek().text === '.') {
			this.index++;
			if (!this.isName()) throw this.unexpected();
			ref.path.push(this.peek().text);
			this.index++;
		}
		if (this.peek().type === 'punct' && this.peek().text === '(') {
			// Functions (COUNT(), FORMAT(), …) are outside the emulated subset.
			throw malformed(this.text, ref.pos, `unexpected token: '${ref.path.join('.')}('`);
		}
		return ref;
	}

	private parseOrderItem(): OrderItem {
		const field = this.parseField();
		let descending = false;
		if (this.isKeyword('ASC')) this.index++;
		else if (this.isKeyword('DESC')) {
			descending = true;
			this.index++;
		}
		let nullsLast = descending;
		if (this.isKeyword('NULLS')) {
			this.index++;
			if (this.isKeyword('FIRST')) nullsLast = false;
			else if (this.isKeyword('LAST')) nullsLast = true;
			else throw this.unexpected();
			this.index++;
		}
		return { field, descending, nullsLast };
	}

	private parseOr(): Condition {
		let left = this.parseAnd();
		while (this.isKeyword('OR')) {
			this.index++;
			left = { kind: 'or', left, right: this.parseAnd() };
		}
		return left;
	}

	private parseAnd(): Condition {
		let left = this.parseUnary();
		while (this.isKeyword('AND')) {
			this.index++;
			left = { kind: 'and', left, right: this.parseUnary() };
		}
		return left;
	}

	private parseUnary(): Condition {
		if (this.isKeyword('NOT')) {
			const pos = this.peek().pos;
			this.index++;
			return { kind: 'not', operand: this.parseUnary(), pos };
		}
		if (this.acceptPunct('(')) {
			const inner = this.parseOr();
			this.expectPunct(')');
			return inner;
		}
		return this.parseComparison();
	}

	private parseComparison(): Condition {
		const field = this.parseField();
		const t = this.peek();
		if (t.type === 'op') {
			this.index++;
			const op = (t.text === '<>' ? '!=' : t.text) as ComparisonOperator;
			return { kind: 'compare', field, op, value: this.parseLiteral() };
		}
		if (this.isKeyword('LIKE')) {
			this.index++;
			return { kind: 'like', field, pattern: this.parseLiteral() };
		}
		const negated = this.isKeyword('NOT') && this.isKeyword('IN', 1);
		if (negated) this.index++;
		if (this.isKeyword('IN')) {
			this.index++;
			this.expectPunct('(');
			if (this.isKeyword('SELECT')) throw malformed(this.text, this.peek().pos, 'semi/anti join sub-selects are not supported');
			const values = [this.parseLiteral()];
			while (this.acceptPunct(',')) values.push(this.parseLiteral());
			this.expectPunct(')');
			return { kind: 'in', field, negated, values };
		}
		throw this.unexpected();
	}

	private parseLiteral(): Literal {
		const t = this.peek();
		this.index++;
		switch (t.type) {
			case 'string':
				return { kind: 'string', value: t.value as string, pos: t.pos };
			case 'number':
				return { kind: 'number', value: t.value as number, pos: t.pos };
			case 'datetime':
				return { kind: 'datetime', value: t.value as number, text: t.text, pos: t.pos };
			case 'date':
				return { kind: 'date', value: t.value as number, text: t.text, pos: t.pos };
			case 'ident': {
				const word = t.text.toLowerCase();
				if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true', pos: t.pos };
				if (word === 'null') return { kind: 'null', value: null, pos: t.pos };
			}
		}
		this.index--;
		throw this.unexpected();
	}
}

export function parseSoql(text: string): SoqlQuery {
	if (!text || !text.trim()) throw new SalesforceApiError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
	return new Parser(text, tokenize(text)).parseQuery();
}
