/**
 * Readers for the small part of YAML and TOML that package-manager config files use
 * (.yarnrc.yml, pnpm-workspace.yaml, pnpm-lock.yaml, pyproject.toml, uv.lock, poetry.lock, …).
 *
 * They read a strict subset and return a reason string for anything outside it (anchors, merge
 * keys, nested flow collections, multi-document YAML, …): an ecosystem then skips instead of
 * acting on a half-read file.
 */

/** A top-level YAML key: the text after its colon, and the more-indented lines below it. */
export interface YamlEntry {
  value: string;
  lines: string[];
}

/** Removes a `#` comment that is outside quotes; a backslash escapes only inside `escaping` quotes. */
function stripComment(line: string, hashStartsComment: (index: number) => boolean, escaping = '"'): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quote) {
      if (char === '\\' && escaping.includes(quote)) i++;
      else if (char === quote) quote = null;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '#' && hashStartsComment(i)) {
      return line.slice(0, i).trimEnd();
    }
  }
  return line.trimEnd();
}

const stripYamlComment = (line: string) => stripComment(line, (i) => i === 0 || /\s/.test(line[i - 1]!));

/** The top-level keys of a YAML mapping document, or why it is outside the subset. */
export function yamlTopLevel(text: string, file: string): Map<string, YamlEntry> | string {
  const entries = new Map<string, YamlEntry>();
  let current: YamlEntry | null = null;
  let started = false;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = stripYamlComment(raw);
    if (line.trim() === '') continue;
    if (/^\t/.test(raw) || /^\s*\t/.test(line)) return `${file} is indented with tabs`;
    if (line === '---' && !started) continue;
    if (/^(---|\.\.\.)/.test(line)) return `${file} holds more than one YAML document`;
    started = true;
    if (/^\s/.test(line)) {
      if (!current) return `${file} starts with an indented line`;
      current.lines.push(line);
      continue;
    }
    const match = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s"'#&*!|>{}[\],?:-][^:]*?|-[^\s:][^:]*?)\s*:(?:\s+(.*))?$/.exec(line);
    if (!match) return `${file} has a line dockeropt cannot read: ${line}`;
    const key = yamlScalar(match[1]!);
    if (key === null || key === '<<') return `${file} uses YAML dockeropt cannot read: ${line}`;
    const value = (match[2] ?? '').trim();
    if (/^[&*!]/.test(value) || /^[|>]/.test(value)) return `${file} uses YAML anchors, tags or block scalars (${key})`;
    if (entries.has(key)) return `${file} sets ${key} twice`;
    current = { value, lines: [] };
    entries.set(key, current);
  }
  return entries;
}

/** A plain or quoted YAML scalar, or null when it is something else. */
export function yamlScalar(raw: string): string | null {
  const text = raw.trim();
  if (/^"(?:[^"\\]|\\.)*"$/.test(text)) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return null;
    }
  }
  if (/^'(?:[^']|'')*'$/.test(text)) return text.slice(1, -1).replace(/''/g, "'");
  if (text === '' || /^[&*!|>{}[\]@`%]/.test(text) || /:\s|\s#/.test(text)) return null;
  return text;
}

/** A YAML sequence of scalars, written in flow (`[a, b]`) or block (`- a`) style. */
export function yamlList(entry: YamlEntry): string[] | null {
  if (entry.value !== '') {
    if (entry.lines.length > 0 || !/^\[.*\]$/.test(entry.value)) return null;
    const inner = entry.value.slice(1, -1).trim();
    if (inner === '') return [];
    const items = inner.split(',').map((item) => yamlScalar(item));
    return items.every((item): item is string => item !== null) ? items : null;
  }
  const items: string[] = [];
  for (const line of entry.lines) {
    const match = /^\s+-\s+(.*)$/.exec(line);
    const item = match ? yamlScalar(match[1]!) : null;
    if (item === null) return null;
    items.push(item);
  }
  return items;
}

/** A YAML mapping of scalars to scalars, one level deep (`key: value` lines at one indentation). */
export function yamlMap(entry: YamlEntry): Map<string, string> | null {
  if (entry.value !== '') return entry.value === '{}' && entry.lines.length === 0 ? new Map() : null;
  const map = new Map<string, string>();
  const indent = /^\s*/.exec(entry.lines[0] ?? '')![0].length;
  for (const line of entry.lines) {
    if (/^\s*/.exec(line)![0].length !== indent) return null;
    const match = /^\s+("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s"'][^:]*?|[^\s"'].*?[^\s]):\s+(.+)$/.exec(line);
    if (!match) return null;
    const key = yamlScalar(match[1]!);
    const value = yamlScalar(match[2]!);
    if (key === null || value === null) return null;
    map.set(key, value);
  }
  return map;
}

/** One `key = value` of a TOML document, with the table it is in (`''` for the root). */
export interface TomlEntry {
  table: string;
  key: string;
  /** The raw value text; arrays and inline tables that span lines are joined with spaces. */
  value: string;
}

const stripTomlComment = (line: string) => stripComment(line, () => true);

/** Every key of a TOML document in order (`[[array]]` tables repeat), or why it is outside the subset. */
export function tomlEntries(text: string, file: string): TomlEntry[] | string {
  const entries: TomlEntry[] = [];
  let table = '';
  let pending: { key: string; value: string } | null = null;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (pending) {
      pending.value += ` ${stripTomlComment(raw).trim()}`;
      if (balanced(pending.value)) {
        entries.push({ table, ...pending });
        pending = null;
      }
      continue;
    }
    const line = stripTomlComment(raw).trim();
    if (line === '') continue;
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      table = header[1]!.split('.').map((part) => unquoteTomlKey(part.trim())).join('.');
      continue;
    }
    const assignment = /^((?:"[^"]*"|'[^']*'|[A-Za-z0-9_.-]+|\s*\.\s*)+?)\s*=\s*(.*)$/.exec(line);
    if (!assignment) return `${file} has a line dockeropt cannot read: ${line}`;
    const key = assignment[1]!.split('.').map((part) => unquoteTomlKey(part.trim())).join('.');
    const value = assignment[2]!.trim();
    if (value.startsWith('"""') || value.startsWith("'''")) {
      const quote = value.slice(0, 3);
      if (value.length >= 6 && value.endsWith(quote)) {
        entries.push({ table, key, value });
        continue;
      }
      return `${file} has a multi-line string (${key})`;
    }
    if (balanced(value)) entries.push({ table, key, value });
    else pending = { key, value };
  }
  if (pending) return `${file} ends inside the value of ${pending.key}`;
  return entries;
}

function unquoteTomlKey(part: string): string {
  return /^(".*"|'.*')$/.test(part) ? part.slice(1, -1) : part;
}

/** Whether brackets and braces outside strings are balanced. */
function balanced(value: string): boolean {
  const { depth, inString } = scanTopLevel(value);
  return depth <= 0 && !inString;
}

/**
 * Walks TOML value text outside its strings: the bracket depth at the end, whether a string is
 * still open, and the offsets of the commas at depth 0.
 */
function scanTopLevel(value: string): { depth: number; inString: boolean; commas: number[] } {
  let depth = 0;
  let quote: string | null = null;
  const commas: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (quote) {
      if (char === '\\' && quote === '"') i++;
      else if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '[' || char === '{') depth++;
    else if (char === ']' || char === '}') depth--;
    else if (char === ',' && depth === 0) commas.push(i);
  }
  return { depth, inString: quote !== null, commas };
}

/** A TOML basic or literal string value, or null. */
export function tomlString(value: string): string | null {
  if (/^"(?:[^"\\]|\\.)*"$/.test(value)) {
    try {
      return JSON.parse(value) as string;
    } catch {
      return null;
    }
  }
  if (/^'[^']*'$/.test(value)) return value.slice(1, -1);
  return null;
}

/** A TOML array of strings, or null when it holds anything else. */
export function tomlStringArray(value: string): string[] | null {
  if (!/^\[.*\]$/.test(value)) return null;
  const items: string[] = [];
  const token = /\s*("(?:[^"\\]|\\.)*"|'[^']*')\s*(?:,|(?=\]$))/y;
  const inner = `${value.slice(1, -1).trim()}`;
  const body = `${inner}]`;
  token.lastIndex = 0;
  while (token.lastIndex < inner.length) {
    const match = token.exec(body);
    if (!match) return null;
    const item = tomlString(match[1]!);
    if (item === null) return null;
    items.push(item);
    while (body[token.lastIndex] === ' ') token.lastIndex++;
  }
  return items;
}

/** The keys of a one-line TOML inline table with their raw values, or null. */
export function tomlInlineTable(value: string): Map<string, string> | null {
  if (!/^\{.*\}$/.test(value)) return null;
  const map = new Map<string, string>();
  const inner = value.slice(1, -1).trim();
  if (inner === '') return map;
  const { commas } = scanTopLevel(inner);
  const parts = [-1, ...commas].map((comma, index) => inner.slice(comma + 1, commas[index] ?? inner.length));
  for (const part of parts) {
    const match = /^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=\s*(.*?)\s*$/.exec(part);
    if (!match) return null;
    map.set(unquoteTomlKey(match[1]!), match[2]!);
  }
  return map;
}

/** The entries of one table (exact name). */
export function tomlTable(entries: readonly TomlEntry[], table: string): TomlEntry[] {
  return entries.filter((entry) => entry.table === table);
}

/** A line without its `#` comment, for Ruby and Elixir source: a `#` inside a string is kept. */
export function stripHashComment(line: string): string {
  return stripComment(line, () => true, `"'`);
}
