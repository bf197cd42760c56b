/**
 * A small, in-process build simulator for the Dockerfiles generators.ts produces, so that the
 * `identical` contract can be checked over hundreds of cases per second (the real-engine suite
 * checks it with buildah/BuildKit, over fewer cases).
 *
 * It runs each RUN like a build does: a fresh POSIX shell per RUN (variables from ENV/ARG, the
 * WORKDIR as cwd, umask 022), with `&&`/`||` lists, `;`, pipelines (each element in a subshell),
 * `( … )` subshells, `>`/`>>` redirects, assignments, `export`, `${V:-x}`/`${V:=x}`, field
 * splitting of unquoted expansions, `set -eux`, `pipefail` (from SHELL), `exit`, and the commands
 * the generator uses (cd, echo, pwd, test, true, false, umask, mkdir, touch, rm, ln -s, chmod,
 * tee, ls -a, sort) over a virtual filesystem. COPY/ADD read {@link CONTEXT_FILES}; `COPY --from`
 * copies from an earlier stage.
 *
 * Anything outside that subset throws {@link Unsupported}: the simulator never guesses.
 */
import { parseDockerfile, type InstructionView } from '../../src/model/dockerfile.js';
import { CONTEXT_FILES } from './generators.js';

/** The input uses something the simulator does not model. */
export class Unsupported extends Error {}

/** What a build produced: every stage's filesystem, or the stage and RUN where it failed. */
export type BuildOutcome = { ok: true; stages: string[][] } | { ok: false; failedStage: number };

type Entry = { type: 'file'; mode: number; content: string } | { type: 'dir'; mode: number } | { type: 'link'; target: string };
type Fs = Map<string, Entry>;

interface Shell {
  fs: Fs;
  vars: Map<string, string>;
  cwd: string;
  umask: number;
  errexit: boolean;
  /** `set -u`: expanding an unset variable is an error that ends the shell. */
  nounset: boolean;
  pipefail: boolean;
}

interface Stage {
  name: string | null;
  fs: Fs;
  env: Map<string, string>;
  workdir: string;
  shell: string[];
}

class Exit {
  constructor(readonly status: number) {}
}

/** Builds the Dockerfile in the simulator. */
export function simulateBuild(text: string): BuildOutcome {
  const doc = parseDockerfile(text);
  const stages: Stage[] = [];
  for (const [index, docStage] of doc.stages.entries()) {
    const parent = stages.find((s) => s.name !== null && s.name === docStage.base.toLowerCase());
    const stage: Stage = parent
      ? { name: null, fs: cloneFs(parent.fs), env: new Map(parent.env), workdir: parent.workdir, shell: [...parent.shell] }
      : { name: null, fs: baseFs(), env: new Map(), workdir: '/', shell: ['/bin/sh', '-c'] };
    stage.name = docStage.name?.toLowerCase() ?? null;
    for (const instruction of docStage.instructions) {
      if (!apply(stage, instruction, stages)) return { ok: false, failedStage: index };
    }
    stages.push(stage);
  }
  return { ok: true, stages: stages.map((s) => snapshot(s.fs)) };
}

function baseFs(): Fs {
  return new Map<string, Entry>([
    ['/', { type: 'dir', mode: 0o755 }],
    ['/tmp', { type: 'dir', mode: 0o1777 }],
    ['/root', { type: 'dir', mode: 0o700 }],
  ]);
}

function cloneFs(fs: Fs): Fs {
  return new Map([...fs].map(([path, entry]) => [path, { ...entry }]));
}

function snapshot(fs: Fs): string[] {
  return [...fs]
    .map(([path, e]) => `${path} ${e.type} ${e.type === 'link' ? `-> ${e.target}` : `${e.mode.toString(8)}${e.type === 'file' ? ` ${JSON.stringify(e.content)}` : ''}`}`)
    .sort();
}

/** Applies one instruction; false when the build fails there. */
function apply(stage: Stage, instruction: InstructionView, stages: Stage[]): boolean {
  const args = instruction.args.trim();
  switch (instruction.keyword) {
    case 'FROM':
    case 'USER':
    case 'LABEL':
    case 'EXPOSE':
    case 'CMD':
    case 'ENTRYPOINT':
      return true;
    case 'ENV':
    case 'ARG': {
      const match = /^(\w+)(?:=(.*)|\s+(.*))?$/.exec(args);
      if (!match) throw new Unsupported(`${instruction.keyword} ${args}`);
      const value = match[2] ?? match[3];
      if (value !== undefined) stage.env.set(match[1]!, value.replace(/^"(.*)"$/, '$1'));
      else if (instruction.keyword === 'ENV') throw new Unsupported(`ENV ${args}`);
      return true;
    }
    case 'WORKDIR':
      stage.workdir = resolvePath(stage.workdir, args);
      return mkdirs(stage.fs, stage.workdir, 0o755);
    case 'SHELL':
      stage.shell = instruction.execForm ?? [];
      return true;
    case 'COPY':
    case 'ADD':
      return copy(stage, instruction, args, stages);
    case 'RUN':
      return run(stage, instruction) === 0;
    default:
      throw new Unsupported(instruction.keyword);
  }
}

function copy(stage: Stage, instruction: InstructionView, args: string, stages: Stage[]): boolean {
  const [source, destination, ...rest] = args.split(/\s+/);
  if (!source || !destination || rest.length > 0) throw new Unsupported(`COPY ${args}`);
  const from = instruction.flags.find((f) => f.name === 'from');
  if (instruction.flags.length > (from ? 1 : 0)) throw new Unsupported('COPY flags');
  const target = resolvePath(stage.workdir, destination);
  if (from) {
    const other = stages.find((s) => s.name === from.value?.toLowerCase());
    const root = other ? normalize(source) : null;
    if (!other || other.fs.get(root!)?.type !== 'dir') throw new Unsupported(`COPY --from=${from.value} ${source}`);
    if (!mkdirs(stage.fs, target, 0o755)) return false;
    for (const [path, entry] of other.fs) {
      if (path.startsWith(`${root}/`)) stage.fs.set(target + path.slice(root!.length), { ...entry });
    }
    return true;
  }
  const content = CONTEXT_FILES[source];
  if (content === undefined) throw new Unsupported(`COPY ${source}`);
  const file = destination.endsWith('/') ? `${target === '/' ? '' : target}/${source}` : target;
  if (!mkdirs(stage.fs, parentOf(file), 0o755)) return false;
  stage.fs.set(file, { type: 'file', mode: 0o644, content });
  return true;
}

function run(stage: Stage, instruction: InstructionView): number {
  const sh: Shell = { fs: stage.fs, vars: new Map(stage.env), cwd: stage.workdir, umask: 0o022, errexit: false, nounset: false, pipefail: false };
  if (instruction.execForm) {
    const argv = instruction.execForm;
    if (argv[0] === '/bin/sh' && argv[1] === '-c' && argv.length === 3) return script(argv[2]!, sh);
    return builtinOrExternal(argv, sh, { stdin: '', stdout: [] });
  }
  const shell = stage.shell.join(' ');
  if (shell === '/bin/sh -o pipefail -c') sh.pipefail = true;
  else if (shell !== '/bin/sh -c' && shell !== '/bin/busybox sh -c') throw new Unsupported(`SHELL ${shell}`);
  if (instruction.hasHeredoc) {
    const lines = instruction.argsText.split(/\r\n|\n/);
    if (lines[0] !== '<<EOF' || lines.at(-1) !== 'EOF') throw new Unsupported(`heredoc ${lines[0]}`);
    return script(lines.slice(1, -1).join('\n'), sh);
  }
  return script(instruction.args, sh);
}

function script(source: string, sh: Shell): number {
  const program = parseScript(source);
  try {
    return sequence(program, sh, { stdin: '', stdout: [] }, false);
  } catch (error) {
    if (error instanceof Exit) return error.status;
    throw error;
  }
}

// The shell subset, parsed by hand so that the simulator does not share tree-sitter-bash's
// reading of a script with the code under test (tree-sitter-bash nests `a && b > f` as `(a && b) > f`).

/** A piece of a word: literal text, or a parameter expansion (`$V`, `${V:-word}`, `${V:=word}`). */
type Segment = { text: string; quoted: boolean } | { name: string; op: string | null; arg: Word | null; quoted: boolean };
type Word = Segment[];
interface Redirect {
  append: boolean;
  target: Word;
}
type Command =
  | { kind: 'simple'; assignments: { name: string; value: Word }[]; words: Word[]; redirects: Redirect[] }
  | { kind: 'subshell'; body: AndOr[]; redirects: Redirect[] };
/** `p1 && p2 || p3`: each pipeline with the operator before it (`null` for the first). */
type AndOr = { op: '&&' | '||' | null; pipeline: Command[] }[];
type Token = { op: string } | { word: Word; raw: string };

const OPERATORS = ['&&', '||', '>>', '|', ';', '(', ')', '>', '\n'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const unsupported = (what: string) => new Unsupported(`${what} in ${JSON.stringify(source)}`);
  const expansion = (quoted: boolean): Segment => {
    i++; // $
    if (source[i] === '{') {
      const close = source.indexOf('}', i);
      const body = close < 0 ? null : /^\{([A-Za-z_]\w*)(?:(:?[-=])(.*))?$/s.exec(source.slice(i, close));
      if (!body) throw unsupported('an expansion');
      i = close + 1;
      return { name: body[1]!, op: body[2] ?? null, arg: body[2] ? [{ text: body[3]!, quoted: true }] : null, quoted };
    }
    const name = /^[A-Za-z_]\w*/.exec(source.slice(i))?.[0];
    if (!name) throw unsupported('a special parameter');
    i += name.length;
    return { name, op: null, arg: null, quoted };
  };
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    const operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (operator) {
      tokens.push({ op: operator === '\n' ? ';' : operator });
      i += operator.length;
      continue;
    }
    const word: Word = [];
    const start = i;
    while (i < source.length && !' \t\n&|;()<>'.includes(source[i]!)) {
      const c = source[i]!;
      if (c === "'") {
        const close = source.indexOf("'", i + 1);
        if (close < 0) throw unsupported('an open quote');
        word.push({ text: source.slice(i + 1, close), quoted: true });
        i = close + 1;
      } else if (c === '"') {
        i++;
        word.push({ text: '', quoted: true });
        while (source[i] !== '"') {
          if (i >= source.length || '\\`'.includes(source[i]!)) throw unsupported('a double-quoted string');
          if (source[i] === '$') word.push(expansion(true));
          else word.push({ text: source[i++]!, quoted: true });
        }
        i++;
      } else if (c === '$') {
        word.push(expansion(false));
      } else if ('\\`*?[]~{}'.includes(c)) {
        throw unsupported(`"${c}"`);
      } else {
        word.push({ text: c, quoted: false });
        i++;
      }
    }
    if (i === start) throw unsupported(`"${source[i]}"`);
    tokens.push({ word, raw: source.slice(start, i) });
  }
  return tokens;
}

function parseScript(source: string): AndOr[] {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const isOp = (op: string) => {
    const token = tokens[i];
    return token !== undefined && 'op' in token && token.op === op;
  };
  const fail = () => new Unsupported(`cannot parse ${JSON.stringify(source)}`);

  const list = (closing: string | null): AndOr[] => {
    const items: AndOr[] = [];
    while (i < tokens.length && !(closing && isOp(closing))) {
      if (isOp(';')) {
        i++;
        continue;
      }
      items.push(andOr());
      if (i < tokens.length && !isOp(';') && !(closing && isOp(closing))) throw fail();
    }
    return items;
  };
  const andOr = (): AndOr => {
    const items: AndOr = [{ op: null, pipeline: pipeline() }];
    while (isOp('&&') || isOp('||')) {
      const op = (tokens[i++] as { op: '&&' | '||' }).op;
      items.push({ op, pipeline: pipeline() });
    }
    return items;
  };
  const pipeline = (): Command[] => {
    const commands = [command()];
    while (isOp('|')) {
      i++;
      commands.push(command());
    }
    return commands;
  };
  const redirects = (into: Redirect[]): void => {
    while (isOp('>') || isOp('>>')) {
      const append = isOp('>>');
      i++;
      const target = peek();
      if (!target || !('word' in target)) throw fail();
      i++;
      into.push({ append, target: target.word });
    }
  };
  const command = (): Command => {
    if (isOp('(')) {
      i++;
      const body = list(')');
      if (!isOp(')') || body.length === 0) throw fail();
      i++;
      const result: Command = { kind: 'subshell', body, redirects: [] };
      redirects(result.redirects);
      return result;
    }
    const result: Command & { kind: 'simple' } = { kind: 'simple', assignments: [], words: [], redirects: [] };
    for (;;) {
      redirects(result.redirects);
      const token = peek();
      if (!token || !('word' in token)) break;
      i++;
      const assignment = result.words.length === 0 ? /^([A-Za-z_]\w*)=/.exec(token.raw) : null;
      if (assignment && token.word.slice(0, assignment[0].length).every((s) => 'text' in s && !s.quoted)) {
        result.assignments.push({ name: assignment[1]!, value: token.word.slice(assignment[0].length) });
      } else {
        result.words.push(token.word);
      }
    }
    if (result.assignments.length === 0 && result.words.length === 0) throw fail();
    return result;
  };

  const program = list(null);
  if (i !== tokens.length) throw fail();
  return program;
}

interface Io {
  stdin: string;
  stdout: string[];
}

/**
 * Runs a list of AND-OR lists. `tested` is true inside a command left of `&&`/`||` (subshells
 * included): there a shell ignores `set -e` (POSIX 2.14, `set -e`).
 */
function sequence(items: AndOr[], sh: Shell, io: Io, tested: boolean): number {
  let status = 0;
  for (const item of items) status = andOr(item, sh, io, tested);
  return status;
}

function andOr(items: AndOr, sh: Shell, io: Io, tested: boolean): number {
  let status = 0;
  for (const [index, { op, pipeline }] of items.entries()) {
    if ((op === '&&' && status !== 0) || (op === '||' && status === 0)) continue;
    const last = index === items.length - 1;
    status = runPipeline(pipeline, sh, io, tested || !last);
    if (last && status !== 0 && sh.errexit && !tested) throw new Exit(status);
  }
  return status;
}

function runPipeline(commands: Command[], sh: Shell, io: Io, tested: boolean): number {
  if (commands.length === 1) return runCommand(commands[0]!, sh, io, tested);
  let stdin = io.stdin;
  const statuses: number[] = [];
  for (const command of commands) {
    const out: Io = { stdin, stdout: [] };
    statuses.push(inSubshell(sh, (child) => runCommand(command, child, out, tested)));
    stdin = out.stdout.join('');
  }
  io.stdout.push(stdin);
  const failed = statuses.filter((s) => s !== 0);
  return sh.pipefail && failed.length > 0 ? failed.at(-1)! : statuses.at(-1)!;
}

function runCommand(command: Command, sh: Shell, io: Io, tested: boolean): number {
  // Redirects are opened first, left to right; stdout goes to the last one.
  let file: string | null = null;
  for (const redirect of command.redirects) {
    file = writableFile(sh, resolvePath(sh.cwd, expandOne(redirect.target, sh)));
    if (!file) return 1;
    if (!redirect.append) writeFile(sh, file, '');
  }
  const out: Io = file ? { stdin: io.stdin, stdout: [] } : io;
  let status: number;
  if (command.kind === 'subshell') {
    status = inSubshell(sh, (child) => sequence(command.body, child, out, tested));
  } else if (command.words.length === 0) {
    for (const { name, value } of command.assignments) sh.vars.set(name, expandOne(value, sh));
    status = 0;
  } else {
    if (command.assignments.length > 0) throw new Unsupported('an assignment before a command');
    status = builtinOrExternal(command.words.flatMap((word) => expand(word, sh)), sh, out);
  }
  if (file) appendFile(sh, file, out.stdout.join(''));
  return status;
}

function inSubshell(sh: Shell, body: (child: Shell) => number): number {
  const child: Shell = { ...sh, vars: new Map(sh.vars) };
  try {
    return body(child);
  } catch (error) {
    if (error instanceof Exit) return error.status;
    throw error;
  }
}

/** The fields a word expands to: an unquoted expansion alone in its word is split at blanks. */
function expand(word: Word, sh: Shell): string[] {
  const only = word.length === 1 ? word[0]! : null;
  if (only && 'name' in only && !only.quoted) return expandOne(word, sh).split(/[ \t\n]+/).filter((f) => f !== '');
  if (word.some((s) => 'name' in s && !s.quoted)) throw new Unsupported('an unquoted expansion inside a word');
  return [expandOne(word, sh)];
}

/** A word's value without field splitting. */
function expandOne(word: Word, sh: Shell): string {
  return word
    .map((segment) => {
      if ('text' in segment) return segment.text;
      const value = sh.vars.get(segment.name);
      if (segment.op === null && value === undefined && sh.nounset) throw new Exit(2);
      if (segment.op === null) return value ?? '';
      const use = segment.op.startsWith(':') ? !value : value === undefined;
      const fallback = expandOne(segment.arg ?? [], sh);
      if (use && segment.op.endsWith('=')) sh.vars.set(segment.name, fallback);
      return use ? fallback : value!;
    })
    .join('');
}

function builtinOrExternal(argv: string[], sh: Shell, io: Io): number {
  const [name, ...args] = argv;
  const path = (p: string) => resolvePath(sh.cwd, p);
  switch (name) {
    case 'true':
      return 0;
    case 'false':
      return 1;
    case 'echo':
      io.stdout.push(`${args.join(' ')}\n`);
      return 0;
    case 'export':
      for (const arg of args) {
        const assignment = /^([A-Za-z_]\w*)=(.*)$/s.exec(arg);
        if (assignment) sh.vars.set(assignment[1]!, assignment[2]!);
        else if (!/^[A-Za-z_]\w*$/.test(arg)) throw new Unsupported(argv.join(' '));
      }
      return 0;
    case 'pwd':
      io.stdout.push(`${sh.cwd}\n`);
      return 0;
    case 'cd': {
      if (args.length !== 1) throw new Unsupported(argv.join(' '));
      const target = path(args[0]!);
      if (follow(sh.fs, target)?.entry.type !== 'dir') return 1;
      sh.cwd = target;
      return 0;
    }
    case 'exit':
      if (args.length !== 1 || !/^\d+$/.test(args[0]!)) throw new Unsupported(argv.join(' '));
      throw new Exit(Number(args[0]));
    case 'set':
      if (args.length !== 1 || !/^-[eux]+$/.test(args[0]!)) throw new Unsupported(argv.join(' '));
      if (args[0]!.includes('e')) sh.errexit = true;
      if (args[0]!.includes('u')) sh.nounset = true;
      return 0;
    case 'umask':
      if (args.length !== 1 || !/^[0-7]{3,4}$/.test(args[0]!)) throw new Unsupported(argv.join(' '));
      sh.umask = parseInt(args[0]!, 8);
      return 0;
    case 'test': {
      const [flag, operand, ...extra] = args;
      if (!operand || extra.length > 0 || !['-f', '-d', '-e'].includes(flag!)) throw new Unsupported(argv.join(' '));
      const entry = follow(sh.fs, path(operand))?.entry;
      return (flag === '-e' ? entry : entry?.type === (flag === '-f' ? 'file' : 'dir')) ? 0 : 1;
    }
    case 'mkdir': {
      const parents = args[0] === '-p';
      let status = 0;
      for (const dir of parents ? args.slice(1) : args) {
        const target = path(dir);
        if (parents) {
          if (!mkdirs(sh.fs, target, 0o777 & ~sh.umask)) status = 1;
        } else if (sh.fs.has(target) || sh.fs.get(parentOf(target))?.type !== 'dir') status = 1;
        else sh.fs.set(target, { type: 'dir', mode: 0o777 & ~sh.umask });
      }
      return status;
    }
    case 'touch': {
      let status = 0;
      for (const file of args) {
        if (follow(sh.fs, path(file))) continue;
        const target = writableFile(sh, path(file));
        if (target) writeFile(sh, target, '');
        else status = 1;
      }
      return status;
    }
    case 'rm': {
      const [flags, ...files] = args;
      if (flags !== '-f' && flags !== '-rf') throw new Unsupported(argv.join(' '));
      let status = 0;
      for (const file of files) {
        const target = path(file);
        const entry = sh.fs.get(target);
        if (!entry || target === '/') continue;
        if (entry.type === 'dir' && flags === '-f') status = 1;
        else for (const p of [...sh.fs.keys()]) if (p === target || p.startsWith(`${target}/`)) sh.fs.delete(p);
      }
      return status;
    }
    case 'ln': {
      if (args.length !== 3 || args[0] !== '-sf') throw new Unsupported(argv.join(' '));
      const link = path(args[2]!);
      const existing = follow(sh.fs, link);
      if (existing?.entry.type === 'dir' || sh.fs.get(parentOf(link))?.type !== 'dir') throw new Unsupported(argv.join(' '));
      sh.fs.set(link, { type: 'link', target: args[1]! });
      return 0;
    }
    case 'chmod': {
      if (args.length !== 2) throw new Unsupported(argv.join(' '));
      const found = follow(sh.fs, path(args[1]!));
      if (!found || found.entry.type === 'link') return 1;
      const mode = args[0] === 'u+x' ? found.entry.mode | 0o100 : /^[0-7]{3}$/.test(args[0]!) ? parseInt(args[0]!, 8) : null;
      if (mode === null) throw new Unsupported(argv.join(' '));
      found.entry.mode = mode;
      return 0;
    }
    case 'tee': {
      if (args.length !== 1) throw new Unsupported(argv.join(' '));
      io.stdout.push(io.stdin);
      const target = writableFile(sh, path(args[0]!));
      if (!target) return 1;
      writeFile(sh, target, io.stdin);
      return 0;
    }
    case 'ls': {
      if (args.join(' ') !== '-a') throw new Unsupported(argv.join(' '));
      const prefix = sh.cwd === '/' ? '/' : `${sh.cwd}/`;
      const names = [...sh.fs.keys()].filter((p) => p !== '/' && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')).map((p) => p.slice(prefix.length));
      io.stdout.push(['.', '..', ...names].sort().map((n) => `${n}\n`).join(''));
      return 0;
    }
    case 'sort':
      if (args.length > 0) throw new Unsupported(argv.join(' '));
      io.stdout.push(io.stdin.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '').sort().map((l) => `${l}\n`).join(''));
      return 0;
    default:
      throw new Unsupported(argv.join(' '));
  }
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

function resolvePath(cwd: string, path: string): string {
  return normalize(path.startsWith('/') ? path : `${cwd}/${path}`);
}

function parentOf(path: string): string {
  return normalize(`${path}/..`);
}

/** The entry at `path`, following symbolic links in the last component. */
function follow(fs: Fs, path: string): { path: string; entry: Entry } | null {
  for (let hops = 0; hops < 8; hops++) {
    if (fs.get(parentOf(path))?.type === 'link') throw new Unsupported(`a link as a directory in ${path}`);
    const entry = fs.get(path);
    if (!entry) return null;
    if (entry.type !== 'link') return { path, entry };
    path = resolvePath(parentOf(path), entry.target);
  }
  return null;
}

/** The file a write to `path` goes to (through links), or null when it cannot be written. */
function writableFile(sh: Shell, path: string): string | null {
  for (let hops = 0; hops < 8; hops++) {
    const entry = sh.fs.get(path);
    if (entry?.type === 'link') {
      path = resolvePath(parentOf(path), entry.target);
      continue;
    }
    if (entry) return entry.type === 'file' ? path : null;
    return sh.fs.get(parentOf(path))?.type === 'dir' ? path : null;
  }
  return null;
}

function writeFile(sh: Shell, path: string, content: string): void {
  const entry = sh.fs.get(path);
  if (entry?.type === 'file') entry.content = content;
  else sh.fs.set(path, { type: 'file', mode: 0o666 & ~sh.umask, content });
}

function appendFile(sh: Shell, path: string, content: string): void {
  const entry = sh.fs.get(path);
  if (entry?.type === 'file') entry.content += content;
  else writeFile(sh, path, content);
}

/** `mkdir -p`: false when a component exists and is not a directory. */
function mkdirs(fs: Fs, path: string, mode: number): boolean {
  let current = '';
  for (const part of path.split('/').filter(Boolean)) {
    current += `/${part}`;
    const entry = fs.get(current);
    if (entry?.type === 'link') throw new Unsupported(`a link as a directory in ${path}`);
    if (entry && entry.type !== 'dir') return false;
    if (!entry) fs.set(current, { type: 'dir', mode });
  }
  return true;
}
