/**
 * The SFDX project under salesforce/: every XML file is well-formed with the expected root element and the
 * Metadata API namespace, versions are 62.0, and the platform event declares exactly COMMAND_FIELDS.
 * A deploy needs a real org; these checks catch what can be caught without one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { COMMAND_EVENT, COMMAND_FIELDS } from '../../lib/salesforce/companionContract';

const PROJECT_DIR = join(__dirname, '..', '..', 'salesforce');
const DEFAULT_DIR = join(PROJECT_DIR, 'force-app', 'main', 'default');
const BUNDLE_DIR = join(DEFAULT_DIR, 'aura', 'PresenceSyncCompanion');
const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';
const API_VERSION = '62.0';

interface XmlElement {
	name: string;
	attributes: Record<string, string>;
	children: XmlElement[];
	text: string;
}

/**
 * A strict XML 1.0 well-formedness check (no DTDs): one root, matched tags, quoted unique attributes, only
 * predefined or numeric entity references, comments without "--". Aura markup uses undeclared prefixes
 * (aura:, lightning:), so namespace well-formedness is not checked. Returns the element tree.
 */
function parseXml(source: string): XmlElement {
	const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
	const REFERENCE = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;
	let at = 0;
	const fail = (problem: string): never => {
		const line = source.slice(0, at).split('\n').length;
		throw new Error(`line ${line}: ${problem}`);
	};
	const checkCharacterData = (data: string, where: string) => {
		for (let i = data.indexOf('&'); i >= 0; i = data.indexOf('&', i + 1)) {
			if (!REFERENCE.test(data.slice(i))) fail(`bad entity reference in ${where}: ${data.slice(i, i + 12)}`);
		}
	};
	const skipMisc = () => {
		for (;;) {
			const rest = source.slice(at);
			const space = /^\s+/.exec(rest);
			if (space) {
				at += space[0].length;
			} else if (rest.startsWith('<!--')) {
				const end = source.indexOf('-->', at + 4);
				if (end < 0) fail('unterminated comment');
				if (source.slice(at + 4, end).includes('--')) fail('"--" inside a comment');
				at = end + 3;
			} else {
				return;
			}
		}
	};
	const readName = () => {
		const match = NAME.exec(source.slice(at));
		if (!match) fail(`expected a name at "${source.slice(at, at + 10)}"`);
		at += match![0].length;
		return match![0];
	};
	const readElement = (): XmlElement => {
		if (source[at] !== '<') fail('expected an element');
		at += 1;
		const element: XmlElement = { name: readName(), attributes: {}, children: [], text: '' };
		for (;;) {
			const space = /^\s*/.exec(source.slice(at))![0];
			at += space.length;
			if (source.startsWith('/>', at)) {
				at += 2;
				return element;
			}
			if (source[at] === '>') {
				at += 1;
				break;
			}
			if (space === '') fail(`expected whitespace before an attribute of <${element.name}>`);
			const attribute = readName();
			if (attribute in element.attributes) fail(`duplicate attribute ${attribute} on <${element.name}>`);
			const value = /^\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(source.slice(at));
			if (!value) fail(`attribute ${attribute} of <${element.name}> needs a quoted value without "<"`);
			at += value![0].length;
			element.attributes[attribute] = value![2] ?? value![3];
			checkCharacterData(element.attributes[attribute], `attribute ${attribute}`);
		}
		for (;;) {
			if (at >= source.length) fail(`<${element.name}> is not closed`);
			if (source.startsWith('</', at)) {
				at += 2;
				const closing = readName();
				if (closing !== element.name) fail(`</${closing}> closes <${element.name}>`);
				const end = /^\s*>/.exec(source.slice(at));
				if (!end) fail(`malformed end tag </${closing}>`);
				at += end![0].length;
				return element;
			}
			if (source.startsWith('<!--', at)) {
				skipMisc();
			} else if (source.startsWith('<![CDATA[', at)) {
				const end = source.indexOf(']]>', at);
				if (end < 0) fail('unterminated CDATA section');
				element.text += source.slice(at + 9, end);
				at = end + 3;
			} else if (source[at] === '<') {
				element.children.push(readElement());
			} else {
				const next = source.indexOf('<', at);
				const data = source.slice(at, next < 0 ? source.length : next);
				if (data.includes(']]>')) fail('"]]>" in character data');
				checkCharacterData(data, `<${element.name}>`);
				element.text += data;
				at += data.length;
			}
		}
	};

	const declaration = /^<\?xml\s+version="1\.0"(\s+encoding="UTF-8")?\s*\?>/.exec(source);
	if (declaration) at = declaration[0].length;
	skipMisc();
	if (source.startsWith('<?', at)) fail('misplaced XML declaration or processing instruction');
	if (source.startsWith('<!', at)) fail('DOCTYPE is not allowed');
	const root = readElement();
	skipMisc();
	if (at < source.length) fail(`content after the root element: "${source.slice(at, at + 20)}"`);
	return root;
}

const child = (element: XmlElement, name: string) => element.children.find((node) => node.name === name);
const childText = (element: XmlElement, name: string) => child(element, name)?.text.trim();
const childrenNamed = (element: XmlElement, name: string) => element.children.filter((node) => node.name === name);

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((entry) => {
		const path = join(dir, entry);
		return statSync(path).isDirectory() ? filesUnder(path) : [path];
	});
}

const readXml = (path: string) => parseXml(readFileSync(path, 'utf8'));

/** Every XML file the project may hold, by name suffix, with its root element; Aura markup has no namespace. */
const ROOTS: Array<{ suffix: string; root: string; metadata: boolean }> = [
	{ suffix: '.object-meta.xml', root: 'CustomObject', metadata: true },
	{ suffix: '.field-meta.xml', root: 'CustomField', metadata: true },
	{ suffix: '.permissionset-meta.xml', root: 'PermissionSet', metadata: true },
	{ suffix: '.resource-meta.xml', root: 'StaticResource', metadata: true },
	{ suffix: '.cmp-meta.xml', root: 'AuraDefinitionBundle', metadata: true },
	{ suffix: 'manifest/package.xml', root: 'Package', metadata: true },
	{ suffix: '.cmp', root: 'aura:component', metadata: false },
	{ suffix: '.design', root: 'design:component', metadata: false },
];
const xmlFiles = filesUnder(PROJECT_DIR).filter((path) => /\.(xml|cmp|design)$/.test(path));

describe('XML well-formedness checker', () => {
	it('accepts a well-formed document and returns its tree', () => {
		const root = parseXml(
			'<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><a x="1" y=\'&amp;\'><b>t &lt; u</b><c/><![CDATA[<raw>]]></a>\n',
		);
		expect(root).toMatchObject({ name: 'a', attributes: { x: '1', y: '&amp;' } });
		expect(root.children.map((node) => node.name)).toEqual(['b', 'c']);
	});

	it.each([
		['a mismatched end tag', '<a><b></a></b>', '</a> closes <b>'],
		['an unclosed element', '<a><b></b>', '<a> is not closed'],
		['two root elements', '<a/><b/>', 'content after the root element'],
		['a bare ampersand', '<a>R&D</a>', 'bad entity reference'],
		['an HTML entity', '<a>&nbsp;</a>', 'bad entity reference'],
		['a duplicate attribute', '<a x="1" x="2"/>', 'duplicate attribute x'],
		['an unquoted attribute', '<a x=1/>', 'needs a quoted value'],
		['a late XML declaration', ' <a/><?xml version="1.0"?>', 'content after the root element'],
		['"--" in a comment', '<!-- a -- b --><a/>', '"--" inside a comment'],
	])('rejects %s', (_label, source, problem) => {
		expect(() => parseXml(source)).toThrow(problem);
	});
});

describe('salesforce/ SFDX project', () => {
	it('finds the project XML files', () => {
		expect(xmlFiles.length).toBeGreaterThanOrEqual(14);
	});

	it.each(xmlFiles.map((path) => [relative(PROJECT_DIR, path), path]))(
		'%s is well-formed with the expected root element and namespace',
		(_name, path) => {
			const kind = ROOTS.find((candidate) => path.replace(/\\/g, '/').endsWith(candidate.suffix));
			expect(kind).toBeDefined();
			const root = readXml(path);
			expect(root.name).toBe(kind!.root);
			if (kind!.metadata) {
				expect(root.attributes.xmlns).toBe(METADATA_NS);
				expect(readFileSync(path, 'utf8').startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
			}
			const apiVersion = childText(root, 'apiVersion') ?? childText(root, 'version');
			if (apiVersion !== undefined) expect(apiVersion).toBe(API_VERSION);
		},
	);

	it('has a valid sfdx-project.json with force-app as the default package directory', () => {
		const project = JSON.parse(readFileSync(join(PROJECT_DIR, 'sfdx-project.json'), 'utf8'));
		expect(project.sourceApiVersion).toBe(API_VERSION);
		expect(project.packageDirectories).toEqual([{ path: 'force-app', default: true }]);
		expect(existsSync(join(PROJECT_DIR, 'force-app'))).toBe(true);
	});

	it('pins the Aura bundle to API 62.0', () => {
		expect(childText(readXml(join(BUNDLE_DIR, 'PresenceSyncCompanion.cmp-meta.xml')), 'apiVersion')).toBe(API_VERSION);
	});
});

describe('Presence_Sync_Command__e platform event', () => {
	const eventDir = join(DEFAULT_DIR, 'objects', COMMAND_EVENT);
	const fieldDir = join(eventDir, 'fields');

	it('is a deployed high-volume event published immediately', () => {
		const object = readXml(join(eventDir, `${COMMAND_EVENT}.object-meta.xml`));
		expect(childText(object, 'eventType')).toBe('HighVolume');
		expect(childText(object, 'publishBehavior')).toBe('PublishImmediately');
		expect(childText(object, 'deploymentStatus')).toBe('Deployed');
		expect(childText(object, 'label')).toBeTruthy();
		expect(childText(object, 'pluralLabel')).toBeTruthy();
	});

	it('declares exactly the COMMAND_FIELDS, each file named after its fullName', () => {
		const declared = readdirSync(fieldDir).map((file) => {
			const field = readXml(join(fieldDir, file));
			expect(file).toBe(`${childText(field, 'fullName')}.field-meta.xml`);
			return childText(field, 'fullName');
		});
		expect(declared.sort()).toEqual(Object.values(COMMAND_FIELDS).sort());
	});

	it('uses field types a platform event supports, sized for their content', () => {
		const field = (name: string) => readXml(join(fieldDir, `${name}.field-meta.xml`));
		expect(childText(field(COMMAND_FIELDS.issuedAt), 'type')).toBe('DateTime');
		for (const name of Object.values(COMMAND_FIELDS).filter((value) => value !== COMMAND_FIELDS.issuedAt)) {
			expect(childText(field(name), 'type')).toBe('Text');
		}
		expect(Number(childText(field(COMMAND_FIELDS.userId), 'length'))).toBeGreaterThanOrEqual(18);
		expect(Number(childText(field(COMMAND_FIELDS.statusId), 'length'))).toBeGreaterThanOrEqual(18);
		expect(Number(childText(field(COMMAND_FIELDS.statusDeveloperName), 'length'))).toBe(80);
		// A logout carries no status, so the status fields cannot be required.
		expect(childText(field(COMMAND_FIELDS.statusId), 'required')).toBe('false');
		expect(childText(field(COMMAND_FIELDS.statusDeveloperName), 'required')).toBe('false');
	});
});

describe('permission sets', () => {
	const permissionSet = (name: string) => readXml(join(DEFAULT_DIR, 'permissionsets', `${name}.permissionset-meta.xml`));
	const eventAccess = (set: XmlElement) => {
		const entries = childrenNamed(set, 'objectPermissions').filter((entry) => childText(entry, 'object') === COMMAND_EVENT);
		expect(entries).toHaveLength(1);
		return Object.fromEntries(entries[0].children.map((node) => [node.name, node.text.trim()]));
	};
	const userPermissions = (set: XmlElement) =>
		childrenNamed(set, 'userPermissions')
			.filter((entry) => childText(entry, 'enabled') === 'true')
			.map((entry) => childText(entry, 'name'));

	it('lets agents read the event and nothing more', () => {
		const agent = permissionSet('Presence_Sync_Agent');
		expect(eventAccess(agent)).toMatchObject({ allowRead: 'true', allowCreate: 'false', allowEdit: 'false', allowDelete: 'false' });
		expect(userPermissions(agent)).toEqual([]);
	});

	it('lets the integration user publish the event over the API and read developer names', () => {
		const integration = permissionSet('Presence_Sync_Integration');
		expect(eventAccess(integration)).toMatchObject({ allowCreate: 'true', allowEdit: 'false', allowDelete: 'false' });
		expect(userPermissions(integration).sort()).toEqual(['ApiEnabled', 'ViewDeveloperName']);
	});
});

describe('PresenceSyncCompanion bundle and static resource', () => {
	const markup = readXml(join(BUNDLE_DIR, 'PresenceSyncCompanion.cmp'));
	const all = (element: XmlElement): XmlElement[] => [element, ...element.children.flatMap(all)];
	const elements = all(markup);
	const controllerSource = readFileSync(join(BUNDLE_DIR, 'PresenceSyncCompanionController.js'), 'utf8');

	it('is a utility item holding empApi, the Omni toolkit and the rules resource', () => {
		expect(markup.attributes.implements).toBe('lightning:utilityItem');
		expect(elements.find((node) => node.name === 'lightning:empApi')?.attributes['aura:id']).toBe('empApi');
		expect(elements.find((node) => node.name === 'lightning:omniToolkitAPI')?.attributes['aura:id']).toBe('omniToolkit');
		expect(elements.find((node) => node.name === 'ltng:require')?.attributes).toEqual({
			scripts: '{!$Resource.presenceSyncRules}',
			afterScriptsLoaded: '{!c.onScriptsLoaded}',
		});
	});

	it('declares the configurable attributes, and the design file exposes only declared ones', () => {
		const declared = elements.filter((node) => node.name === 'aura:attribute').map((node) => node.attributes.name);
		expect(declared).toEqual(expect.arrayContaining(['integrationUserId', 'maxAgeSeconds', 'statusMap', 'log']));
		const design = readXml(join(BUNDLE_DIR, 'PresenceSyncCompanion.design'));
		const exposed = childrenNamed(design, 'design:attribute').map((node) => node.attributes.name);
		expect(exposed.sort()).toEqual(['integrationUserId', 'maxAgeSeconds', 'statusMap']);
	});

	it('binds only controller actions that exist', () => {
		const bound = elements.flatMap((node) =>
			Object.values(node.attributes).flatMap((value) => [...value.matchAll(/\{!c\.(\w+)\}/g)].map((match) => match[1])),
		);
		expect(bound.length).toBeGreaterThan(0);
		const controller = new Function(`return ${controllerSource}`)() as Record<string, unknown>;
		for (const action of bound) expect(typeof controller[action]).toBe('function');
	});

	it('ships the rules as a private JavaScript static resource', () => {
		const meta = readXml(join(DEFAULT_DIR, 'staticresources', 'presenceSyncRules.resource-meta.xml'));
		expect(childText(meta, 'contentType')).toBe('application/javascript');
		expect(childText(meta, 'cacheControl')).toBe('Private');
		expect(existsSync(join(DEFAULT_DIR, 'staticresources', 'presenceSyncRules.js'))).toBe(true);
	});
});

describe('manifest/package.xml', () => {
	const manifest = readXml(join(PROJECT_DIR, 'manifest', 'package.xml'));
	const members = (type: string) =>
		childrenNamed(manifest, 'types')
			.filter((types) => childText(types, 'name') === type)
			.flatMap((types) => childrenNamed(types, 'members').map((node) => node.text.trim()))
			.sort();
	const namesIn = (dir: string, suffix: string) =>
		readdirSync(join(DEFAULT_DIR, dir))
			.filter((file) => file.endsWith(suffix))
			.map((file) => file.slice(0, -suffix.length))
			.sort();

	it('lists exactly the components in force-app', () => {
		expect(members('CustomObject')).toEqual([COMMAND_EVENT]);
		expect(members('CustomField')).toEqual(Object.values(COMMAND_FIELDS).map((field) => `${COMMAND_EVENT}.${field}`).sort());
		expect(members('PermissionSet')).toEqual(namesIn('permissionsets', '.permissionset-meta.xml'));
		expect(members('StaticResource')).toEqual(namesIn('staticresources', '.resource-meta.xml'));
		expect(members('AuraDefinitionBundle')).toEqual(readdirSync(join(DEFAULT_DIR, 'aura')).sort());
		expect(childrenNamed(manifest, 'types').map((types) => childText(types, 'name')).sort()).toEqual([
			'AuraDefinitionBundle',
			'CustomField',
			'CustomObject',
			'PermissionSet',
			'StaticResource',
		]);
	});
});
