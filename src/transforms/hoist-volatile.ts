/**
 * hoist-volatile: moves a volatile build value (`ARG BUILD_DATE`, `GIT_SHA`, `VERSION`,
 * `CACHEBUST`, an `ENV BUILD_NUMBER=…`) and its metadata uses down to where they are needed.
 *
 * Why: an ARG is in the environment of every RUN after it, so a value that changes on every
 * build (a date, a commit) makes every RUN below it miss the cache, installs included. A LABEL
 * using it changes the image config, which the classic builder and buildah chain into every
 * later step. Declared just before its first real use (or at the end of the stage when only
 * LABELs use it), the value no longer invalidates the steps above:
 *
 *     ARG BUILD_DATE                               RUN apt-get update && apt-get install -y curl
 *     LABEL created=$BUILD_DATE          ->        COPY app /app
 *     RUN apt-get update && apt-get install …      ARG BUILD_DATE
 *     COPY app /app                                LABEL created=$BUILD_DATE
 *
 * Contract `identical`. The moved block is the declaration plus every ENV and LABEL below it
 * that uses one of its names; it moves, text unchanged and with the comment lines above each
 * member, just before the first instruction that
 *   - names one of the block's variables (every instruction's text is searched for the name, not
 *     only `$VAR`/`${VAR}`, so `printenv BUILD_DATE` counts);
 *   - redefines a variable of the block or one its values use (ENV/ARG), or sets a label the
 *     block sets (later LABELs win);
 *   - is a RUN that may observe the variable through its environment. ARG and ENV values are in
 *     the environment of every later RUN and of the programs it starts, and no file can show
 *     that a program ignores a variable. So a RUN is passed only when every command in it is a
 *     program known to read no variables by arbitrary names: file and text utilities (`mkdir`,
 *     `cp`, `tar`, `sed`, `curl`, …), `useradd`-style tools, and the OS package managers (whose
 *     distribution-reviewed maintainer scripts are assumed not to read build-metadata
 *     variables). `npm`, `pip`, `make`, `go`, scripts, `env`, `printenv`, a bare `set`/`export`,
 *     `awk`, `find`, `xargs`, `sh -c` and anything unknown stop the move there.
 * ARGs before the first FROM are never moved (they only feed FROM lines), and nothing crosses a
 * FROM. A move that passes no RUN, COPY or ADD gains nothing and is not proposed; a block that
 * cannot move at all past a later step gets a finding with the reason.
 *
 * Option `names` (string[]): more variable names to treat as volatile.
 */
import type { Proposal, TextEdit, Transform } from '../engine/types.js';
import { escapeRegExp, type DockerfileModel, type InstructionView, type StageView } from '../model/dockerfile.js';
import { attachedLines, instructionLines, linesText } from '../model/layout.js';
import { argDeclarations, definedVariables, isPosixShell, quoteRun, readRunCommands, runShells } from '../model/run.js';

/** Names of values that typically change on every build. */
const VOLATILE =
  /^(BUILD_?(DATE|TIME|TIMESTAMP|NUMBER|NUM|ID|REF|URL)|BUILDTIME|GIT_(SHA|COMMIT|REV|REVISION|HASH|BRANCH|TAG|REF|DESCRIBE|SHORT_SHA)|VCS_REF|SOURCE_COMMIT|COMMIT(_SHA|_HASH|_ID)?|REVISION|VERSION|APP_VERSION|RELEASE(_VERSION)?|CACHE_?BUST|CI_COMMIT_[A-Z_]+|CI_PIPELINE_(ID|IID)|CI_JOB_ID|GITHUB_(SHA|RUN_ID|RUN_NUMBER)|TIMESTAMP|CREATED)$/;

/** Programs that read no environment variables by arbitrary names (see the header). */
const ENV_BLIND = new Set([
  'mkdir', 'cp', 'mv', 'rm', 'rmdir', 'ln', 'chmod', 'chown', 'chgrp', 'touch', 'ls', 'cat', 'echo', 'printf', 'true',
  'false', 'test', '[', 'tee', 'head', 'tail', 'cut', 'tr', 'sort', 'uniq', 'wc', 'basename', 'dirname', 'readlink',
  'realpath', 'sed', 'grep', 'egrep', 'fgrep', 'tar', 'gzip', 'gunzip', 'zcat', 'bzip2', 'xz', 'unxz', 'unzip', 'zip',
  'sha256sum', 'sha1sum', 'sha512sum', 'md5sum', 'stat', 'du', 'id', 'whoami', 'sleep', 'ldconfig', 'useradd',
  'groupadd', 'usermod', 'groupmod', 'adduser', 'addgroup', 'curl', 'wget', 'cd', 'umask',
  'apt-get', 'apt', 'apt-cache', 'apk', 'yum', 'dnf', 'zypper', 'dpkg', 'rpm',
]);

const LAYER_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

interface Block {
  members: InstructionView[];
  /** Variables the block defines. */
  names: Set<string>;
  /** Variables the block's values use (other than its own). */
  uses: Set<string>;
  labelKeys: Set<string>;
}

export const hoistVolatile: Transform = {
  id: 'hoist-volatile',
  title: 'Declare volatile build values where they are used',
  contract: 'identical',
  priority: 12,
  options: { names: 'string[]' },
  run(doc, ctx) {
    const extra = Array.isArray(ctx.options['names']) ? (ctx.options['names'] as unknown[]).filter((n): n is string => typeof n === 'string') : [];
    const volatile = (name: string) => VOLATILE.test(name) || extra.includes(name);
    const shells = runShells(doc);
    const proposals: Proposal[] = [];
    for (const stage of doc.stages) {
      const consumed = new Set<InstructionView>();
      stage.instructions.forEach((instruction, index) => {
        if (consumed.has(instruction)) return;
        const names = headNames(instruction);
        if (names.length === 0 || !names.every(volatile)) return;
        const proposal = moveBlock(doc, stage, index, names, shells, consumed);
        if (proposal) proposals.push(proposal);
      });
    }
    return proposals;
  },
};

/** The names an ARG or ENV declares, or [] for other instructions. */
function headNames(instruction: InstructionView): string[] {
  if (instruction.keyword === 'ARG') return argDeclarations(instruction).map((d) => d.name);
  if (instruction.keyword === 'ENV') return definedVariables(instruction);
  return [];
}

/** The variables a text uses as `$NAME` or `${NAME…}`. */
function usedVariables(text: string): string[] {
  return [...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
}

/** Whether the instruction's text (flags and arguments) names any of these variables. */
function names(doc: DockerfileModel, instruction: InstructionView, variables: Set<string>): string | null {
  const text = doc.source.slice(instruction.start, instruction.end).replace(/^\s*\S+/, '');
  for (const name of variables) {
    if (new RegExp(`(^|[^A-Za-z0-9_])${escapeRegExp(name)}($|[^A-Za-z0-9_])`).test(text)) return name;
  }
  return null;
}

function labelKeys(instruction: InstructionView): string[] {
  return (instruction.node as unknown as { getProperties(): { getName(): string }[] }).getProperties().map((p) => p.getName());
}

/** Why a RUN may observe variables through its environment, or null when it provably cannot. */
function observesEnvironment(run: InstructionView, shell: string[] | null): string | null {
  const view = readRunCommands(run, shell);
  if (view.opaque) return view.opaque;
  if (!run.execForm && !isPosixShell(shell)) return `the SHELL is not a POSIX shell`;
  if (/\$\{!/.test(run.args)) return `it lists variables by prefix (\${!…})`;
  for (const words of view.commands) {
    const name = words[0] ?? '';
    if (name === 'export' || name === 'set') {
      const args = words.slice(1);
      const dumps = args.length === 0 || args.includes('-p') || (name === 'set' && args.some((a) => !/^[-+][a-zA-Z]+$/.test(a) && a !== 'pipefail' && a !== 'errexit' && a !== 'nounset' && a !== 'xtrace'));
      if (dumps) return `\`${words.join(' ')}\` can print the environment`;
      continue;
    }
    if (!ENV_BLIND.has(name)) return `it runs \`${name}\`, which may read it from its environment`;
  }
  return null;
}

function moveBlock(
  doc: DockerfileModel,
  stage: StageView,
  headIndex: number,
  declared: string[],
  shells: Map<InstructionView, string[] | null>,
  consumed: Set<InstructionView>,
): Proposal | null {
  const head = stage.instructions[headIndex]!;
  const block: Block = { members: [head], names: new Set(declared), uses: new Set(), labelKeys: new Set() };
  for (const used of usedVariables(head.args)) if (!block.names.has(used)) block.uses.add(used);
  const passed: InstructionView[] = [];
  let stop: InstructionView | null = null;
  let why: string | null = null;

  for (const instruction of stage.instructions.slice(headIndex + 1)) {
    const named = names(doc, instruction, block.names);
    if (named && (instruction.keyword === 'ENV' || instruction.keyword === 'LABEL')) {
      const keys = instruction.keyword === 'ENV' ? definedVariables(instruction) : labelKeys(instruction);
      if (!keys.some((k) => k.includes('$'))) {
        block.members.push(instruction);
        consumed.add(instruction);
        for (const used of usedVariables(instruction.args)) if (!block.names.has(used)) block.uses.add(used);
        if (instruction.keyword === 'ENV') for (const k of keys) block.names.add(k);
        else for (const k of keys) block.labelKeys.add(k);
        continue;
      }
    }
    if (named) {
      stop = instruction;
      why = `${show(instruction)} uses ${named}`;
      break;
    }
    const redefined = definedVariables(instruction).find((n) => block.names.has(n) || block.uses.has(n));
    if (redefined) {
      stop = instruction;
      why = `${show(instruction)} sets ${redefined}, which the moved ${block.names.has(redefined) ? 'block declares' : 'values use'}`;
      break;
    }
    if (instruction.keyword === 'LABEL' && block.labelKeys.size > 0) {
      const clash = labelKeys(instruction).find((k) => k.includes('$') || block.labelKeys.has(k));
      if (clash) {
        stop = instruction;
        why = `${show(instruction)} also sets the label ${clash}, and the later LABEL wins`;
        break;
      }
    }
    if (instruction.keyword === 'RUN') {
      const observes = observesEnvironment(instruction, shells.get(instruction) ?? null);
      if (observes) {
        stop = instruction;
        why = `${quoteRun(instruction)} may see ${[...block.names].join(', ')} in its environment: ${observes}`;
        break;
      }
    }
    passed.push(instruction);
  }

  const variables = [...block.names].join(', ');
  const gains = passed.some((i) => LAYER_KEYWORDS.has(i.keyword));
  if (!gains) {
    const laterLayers = stop !== null && stage.instructions.slice(stage.instructions.indexOf(stop)).some((i) => LAYER_KEYWORDS.has(i.keyword));
    if (!stop || !why || !laterLayers || names(doc, stop, block.names)) return null;
    return {
      message: `${show(head)} is not moved below ${show(stop)}`,
      reason: why,
      start: head.start,
      end: stop.end,
    };
  }

  const edits: TextEdit[] = [];
  let text = '';
  for (const member of block.members) {
    const lines = attachedLines(doc, member);
    edits.push({ start: lines.start, end: lines.end, text: '' });
    text += linesText(doc, lines);
  }
  let at: number;
  if (stop) {
    at = attachedLines(doc, stop).start;
  } else {
    const last = stage.instructions[stage.instructions.length - 1]!;
    at = instructionLines(doc, last).end;
    if (!/(\r\n|\r|\n)$/.test(doc.source.slice(0, at))) text = doc.eol + text.replace(/(\r\n|\r|\n)$/, '');
  }
  edits.push({ start: at, end: at, text });
  const target = stop ? `just before ${show(stop)}` : 'to the end of the stage';
  const layers = passed.filter((i) => LAYER_KEYWORDS.has(i.keyword)).length;
  return {
    message: `Move ${show(head)}${block.members.length > 1 ? ` and ${block.members.length - 1} instruction(s) using it` : ''} ${target}`,
    reason: `A new ${variables} on every build made the ${layers} step(s) below it miss the cache; none of them uses it${why ? `. It stops there because ${why}` : ''}`,
    start: head.start,
    end: at,
    edits,
  };
}

function show(instruction: InstructionView): string {
  const text = `${instruction.keyword} ${instruction.args.replace(/\s+/g, ' ').trim()}`;
  return `\`${text.length > 44 ? `${text.slice(0, 43)}…` : text}\``;
}
