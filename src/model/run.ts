/**
 * What a RUN executes, as the package-hygiene transforms read it: the SHELL in effect, the simple
 * commands (also those inside `sh -c '…'`), and whether some of it is code dockeropt cannot see
 * (a heredoc, a script file, `eval`, a non-POSIX shell).
 */
import path from 'node:path';
import type { Env } from 'dockerfile-ast';
import type { DockerfileModel, InstructionView } from './dockerfile.js';
import { analyzeScript, type ShellScript } from './shell.js';

/** SHELLs whose `&&`, `( … )` and exit-status rules are the POSIX ones. */
const POSIX_SHELLS = new Set(
  [
    ['/bin/sh', '-c'], ['sh', '-c'], ['/bin/bash', '-c'], ['bash', '-c'], ['/bin/ash', '-c'], ['/bin/dash', '-c'],
    ['/bin/bash', '-o', 'pipefail', '-c'], ['bash', '-o', 'pipefail', '-c'], ['/bin/ash', '-o', 'pipefail', '-c'],
    ['/bin/sh', '-o', 'pipefail', '-c'], ['/bin/bash', '-eo', 'pipefail', '-c'], ['/bin/bash', '-ex', '-c'],
  ].map((argv) => JSON.stringify(argv)),
);

const SHELL_NAMES = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);

/** A SHELL (exec form) that runs scripts like `/bin/sh -c`; null stands for the default. */
export function isPosixShell(shell: string[] | null): boolean {
  return shell === null || POSIX_SHELLS.has(JSON.stringify(shell));
}

/** The SHELL in effect for every RUN (null: the default `/bin/sh -c`), inherited through `FROM <stage>`. */
export function runShells(doc: DockerfileModel): Map<InstructionView, string[] | null> {
  const byRun = new Map<InstructionView, string[] | null>();
  const byStageName = new Map<string, string[] | null>();
  for (const stage of doc.stages) {
    let shell = byStageName.get(stage.base.toLowerCase()) ?? byStageName.get(`#${stage.base}`) ?? null;
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'SHELL') shell = instruction.execForm;
      if (instruction.keyword === 'RUN') byRun.set(instruction, shell);
    }
    if (stage.name) byStageName.set(stage.name.toLowerCase(), shell);
    byStageName.set(`#${stage.index}`, shell);
  }
  return byRun;
}

export interface RunCommands {
  run: InstructionView;
  /** Why the commands cannot be read (a heredoc, a script the shell cannot parse, a non-POSIX SHELL), or null. */
  opaque: string | null;
  /** The simple commands in source order, nested ones and those of `sh -c '…'` included, as words. */
  commands: string[][];
  /** The parsed script of a shell-form RUN. */
  script: ShellScript | null;
}

/** A RUN as its first words, for messages: `` `RUN apt-get update` ``. */
export function quoteRun(run: InstructionView): string {
  const text = `${run.keyword} ${run.args.replace(/\s+/g, ' ').trim()}`;
  return `\`${text.length > 44 ? `${text.slice(0, 43)}…` : text}\``;
}

export function readRunCommands(run: InstructionView, shell: string[] | null): RunCommands {
  const opaque = (why: string): RunCommands => ({ run, opaque: why, commands: [], script: null });
  if (run.hasHeredoc) return opaque(`${quoteRun(run)} uses a heredoc`);
  if (run.execForm) return { run, opaque: null, commands: expandShellC([run.execForm]), script: null };
  if (!isPosixShell(shell)) return opaque(`the SHELL is ${JSON.stringify(shell)}, not a POSIX shell`);
  const script = analyzeScript(run.args);
  if (script.parseError) return opaque(`the shell cannot parse ${quoteRun(run)}`);
  return { run, opaque: null, commands: expandShellC(script.commandWords), script };
}

/** Adds the commands of `sh -c 'script'` after the `sh` command itself. */
function expandShellC(commands: string[][], depth = 0): string[][] {
  const out: string[][] = [];
  for (const words of commands) {
    out.push(words);
    const inner = shellCScript(words);
    if (inner !== null && depth < 3) {
      const script = analyzeScript(inner);
      if (!script.parseError) out.push(...expandShellC(script.commandWords, depth + 1));
    }
  }
  return out;
}

function shellCScript(words: string[]): string | null {
  if (!SHELL_NAMES.has(path.posix.basename(words[0] ?? ''))) return null;
  const c = words.indexOf('-c');
  return c > 0 ? (words[c + 1] ?? null) : null;
}

/**
 * Why a command may run code this file does not show (a script file, a script piped into a
 * shell, `eval`, `source`), or null. Programs such as `make` or a package manager's lifecycle
 * scripts are not counted here; each transform says what it assumes about them.
 */
export function hiddenCode(words: string[]): string | null {
  const name = words[0] ?? '';
  const base = path.posix.basename(name);
  if (SHELL_NAMES.has(base)) {
    if (words.includes('-c')) return null;
    const file = words.slice(1).find((w) => !w.startsWith('-'));
    return file ? `runs the script ${file}` : `runs a script that ${base} reads from its input`;
  }
  if (name === 'eval') return 'runs code built by eval';
  if (name === 'source' || name === '.') return `sources ${words[1] ?? 'a script'}`;
  if (name.startsWith('$')) return `runs a command named by an expansion (${name})`;
  if (name.includes('/')) return `runs ${name}`;
  return null;
}

/** Whether `a` is `b` or a path inside it (whole segments). */
export function isWithin(a: string, b: string): boolean {
  const na = path.posix.normalize(a).replace(/\/+$/, '') || '/';
  const nb = path.posix.normalize(b).replace(/\/+$/, '') || '/';
  return na === nb || nb === '/' || na.startsWith(`${nb}/`);
}

/** Whether one path holds the other (or they are the same). */
export function pathsOverlap(a: string, b: string): boolean {
  return isWithin(a, b) || isWithin(b, a);
}

/** The options of a `--mount=` flag value (`type=cache,target=/x` → type, target). */
export function mountOptions(value: string): Map<string, string> {
  return new Map(
    value.split(',').map((option) => {
      const eq = option.indexOf('=');
      const key = (eq < 0 ? option : option.slice(0, eq)).trim().toLowerCase();
      return [key, eq < 0 ? 'true' : option.slice(eq + 1).trim()] as const;
    }),
  );
}

export interface MountView {
  type: string;
  target: string | null;
  from: string | null;
  source: string | null;
  text: string;
}

/** The `--mount` flags of a RUN. */
export function runMounts(run: InstructionView): MountView[] {
  return run.flags
    .filter((flag) => flag.name.toLowerCase() === 'mount')
    .map((flag) => {
      const options = mountOptions(flag.value ?? '');
      const target = options.get('target') ?? options.get('dst') ?? options.get('destination') ?? null;
      return {
        type: (options.get('type') ?? 'bind').toLowerCase(),
        target,
        from: options.get('from') ?? null,
        source: options.get('source') ?? options.get('src') ?? null,
        text: flag.text.trim(),
      };
    });
}

/** The stages built FROM stage `index`, directly or through others, in file order. */
export function descendantStages(doc: DockerfileModel, index: number): number[] {
  const found = new Set<number>([index]);
  for (const stage of doc.stages) {
    if (stage.index <= index) continue;
    const parent = stageIndexByRef(doc, stage.base, stage.index);
    if (parent !== null && found.has(parent)) found.add(stage.index);
  }
  found.delete(index);
  return [...found].sort((a, b) => a - b);
}

/** The earlier stage a `FROM`/`--from` reference names (by `AS` name or index), or null for an image. */
export function stageIndexByRef(doc: DockerfileModel, ref: string, before: number): number | null {
  const lower = ref.toLowerCase();
  for (const stage of doc.stages) {
    if (stage.index >= before) break;
    if (stage.name?.toLowerCase() === lower || String(stage.index) === ref) return stage.index;
  }
  return null;
}

/**
 * Why a later stage copies or mounts files of one of `stages` in a way that may reach `target`
 * (`COPY --from=…` or `RUN --mount=from=…` whose source holds or lies inside it), or null.
 */
export function copiedFromStages(doc: DockerfileModel, stages: Set<number>, target: string): string | null {
  for (const stage of doc.stages) {
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') {
        const from = instruction.flags.find((f) => f.name.toLowerCase() === 'from')?.value;
        if (!from) continue;
        const index = stageIndexByRef(doc, from, stage.index);
        if (index === null || !stages.has(index)) continue;
        const sources = copySources(instruction);
        if (sources === null || sources.some((source) => pathsOverlap(literalPrefix(source), target))) {
          return `\`${instruction.keyword} --from=${from} …\` copies files from that stage`;
        }
      }
      if (instruction.keyword === 'RUN') {
        for (const mount of runMounts(instruction)) {
          if (!mount.from) continue;
          const index = stageIndexByRef(doc, mount.from, stage.index);
          if (index !== null && stages.has(index)) return `a RUN mounts files of that stage (${mount.text})`;
        }
      }
    }
  }
  return null;
}

/** The sources of a COPY/ADD (JSON form too), or null when they cannot be read. */
export function copySources(instruction: InstructionView): string[] | null {
  const words = copyWords(instruction);
  return words === null || words.length < 2 ? null : words.slice(0, -1);
}

/** The destination of a COPY/ADD as written, or null. */
export function copyDestination(instruction: InstructionView): string | null {
  const words = copyWords(instruction);
  return words === null || words.length < 2 ? null : words[words.length - 1]!;
}

function copyWords(instruction: InstructionView): string[] | null {
  if (instruction.hasHeredoc) return null;
  const args = instruction.args.trim();
  if (args.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(args);
      return Array.isArray(parsed) && parsed.every((w) => typeof w === 'string') ? (parsed as string[]) : null;
    } catch {
      return null;
    }
  }
  return instruction.node.getArguments().map((a) => a.getValue());
}

/** The part of a path before its first wildcard or variable (`/var/lib/*` → `/var/lib`). */
export function literalPrefix(source: string): string {
  const special = source.search(/[*?[$]/);
  const literal = special < 0 ? source : source.slice(0, special);
  const absolute = literal.startsWith('/') ? literal : `/${literal}`;
  return special < 0 ? absolute : path.posix.dirname(`${absolute}x`);
}

/** The names an ENV or ARG instruction sets (ARG names are in the environment of later RUNs). */
export function definedVariables(instruction: InstructionView): string[] {
  if (instruction.keyword === 'ENV') return (instruction.node as Env).getProperties().map((p) => p.getName());
  if (instruction.keyword === 'ARG') return argDeclarations(instruction).map((d) => d.name);
  return [];
}

/** The declarations of an ARG (`ARG A B=1 C="x y"` declares three), with their default values as written. */
export function argDeclarations(instruction: InstructionView): { name: string; value: string | null }[] {
  const tokens = instruction.args.match(/(?:[^\s"']+|"(?:\\.|[^"\\])*"|'[^']*')+/g) ?? [];
  return tokens.map((token) => {
    const eq = token.indexOf('=');
    return eq < 0 ? { name: token, value: null } : { name: token.slice(0, eq), value: token.slice(eq + 1) };
  });
}
