/**
 * merge-runs: joins consecutive RUN instructions of one stage into a single RUN.
 *
 * Why: every RUN is a layer. A file a later RUN deletes still ships in the earlier layer, and
 * each layer costs a snapshot on build and a blob on pull. One RUN per logical step, written one
 * command per line and joined with ` && \`, keeps the image's filesystem identical (contract
 * `identical`) while dropping the extra layers.
 *
 * How it keeps behaviour: each RUN used to start in a fresh shell, so a step that changes shell
 * state (`cd`, `export`, an assignment, `set`, `exit`, a function, …) is wrapped in a subshell
 * `( … )` before the next one runs. A step with a top-level `;` or `||` is grouped the same way,
 * so that a failure earlier in the chain still fails the build; so is a first step ending in `;`.
 *
 * What it skips, each with a reason: RUNs with different flags (`--mount`, `--network`, …), and
 * RUNs with a tmpfs or read-write bind mount (each RUN gets a fresh one), exec-form and heredoc
 * RUNs, scripts the shell cannot parse, background jobs (`&`), a `#` comment in the script (it
 * would swallow what follows), a script that ends in a comment line of its continuation, a script
 * that may turn on `set -e` followed by another RUN (a shell ignores `set -e` left of `&&`,
 * subshells included), a SHELL that is not a POSIX sh or bash with plain options, Windows bases
 * (also through `FROM <stage>`), and RUNs marked `# dockeropt ignore=merge-runs`. Anything
 * between two RUNs but comments (kept, as comment lines of the continuation) or blank lines
 * (dropped) ends a chain. A RUN that only installs dependencies is not joined with a following
 * RUN that does more: that would tie the install's layer to the build step's inputs and undo (or
 * block) split-dependency-copy.
 */
import type { Proposal, TextEdit, Transform } from '../engine/types.js';
import { ignoredTransforms, isIgnored, type DockerfileModel, type InstructionView, type StageView } from '../model/dockerfile.js';
import { matchInstall } from '../model/ecosystems/index.js';
import { analyzeChain, analyzeScript, type ShellScript } from '../model/shell.js';

const INDENT = '    ';

/** A SHELL whose `&&`, `( … )` and exit-status rules are the POSIX ones this transform relies on. */
const POSIX_SHELLS = [
  ['/bin/sh', '-c'], ['sh', '-c'], ['/bin/bash', '-c'], ['bash', '-c'], ['/bin/ash', '-c'], ['/bin/dash', '-c'],
  ['/bin/bash', '-o', 'pipefail', '-c'], ['bash', '-o', 'pipefail', '-c'], ['/bin/ash', '-o', 'pipefail', '-c'],
  ['/bin/sh', '-o', 'pipefail', '-c'],
].map((argv) => JSON.stringify(argv));

const WINDOWS_BASE = /windows|servercore|nanoserver/i;

interface Step {
  run: InstructionView;
  script: ShellScript;
  /** Offset just after the script's last character. */
  contentEnd: number;
  /** Why this RUN cannot join any chain, if it cannot. */
  blocked?: string;
}

export const mergeRuns: Transform = {
  id: 'merge-runs',
  title: 'Merge consecutive RUN instructions',
  contract: 'identical',
  priority: 10,
  run(doc) {
    const proposals: Proposal[] = [];
    const shellByStageName = new Map<string, string | null>();
    const windowsBaseByStageName = new Map<string, string>();
    for (const stage of doc.stages) {
      const inherited = shellByStageName.get(stage.base.toLowerCase());
      // A stage built FROM an earlier stage runs on that stage's platform.
      const windowsBase = WINDOWS_BASE.test(stage.base) ? stage.base : (windowsBaseByStageName.get(stage.base.toLowerCase()) ?? null);
      proposals.push(...mergeStage(doc, stage, inherited ?? null, windowsBase));
      const lastShell = [...stage.instructions].reverse().find((i) => i.keyword === 'SHELL');
      if (stage.name) {
        shellByStageName.set(stage.name.toLowerCase(), lastShell ? JSON.stringify(lastShell.execForm) : (inherited ?? null));
        if (windowsBase) windowsBaseByStageName.set(stage.name.toLowerCase(), windowsBase);
      }
    }
    return proposals;
  },
};

function mergeStage(doc: DockerfileModel, stage: StageView, inheritedShell: string | null, windowsBase: string | null): Proposal[] {
  const proposals: Proposal[] = [];
  let shell = inheritedShell;
  let chain: Step[] = [];
  let previous: InstructionView | null = null;
  let previousStep: Step | null = null;

  const flush = () => {
    if (chain.length > 1) proposals.push(mergeProposal(doc, chain));
    chain = [];
  };
  const skip = (a: InstructionView, b: InstructionView, why: string) => {
    proposals.push({
      message: `${quote(a)} and ${quote(b)} are not merged`,
      reason: why,
      start: a.start,
      end: b.end,
    });
  };

  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'SHELL') shell = JSON.stringify(instruction.execForm);
    if (instruction.keyword !== 'RUN') {
      flush();
      previous = instruction;
      previousStep = null;
      continue;
    }
    const step = analyzeStep(instruction, shell, stage, windowsBase);
    const adjacentRun = previous?.keyword === 'RUN' ? previous : null;
    previous = instruction;
    const before = previousStep;
    previousStep = step;
    if (!adjacentRun || !before) {
      chain = [step];
      continue;
    }
    // Any pragma above a RUN (for this transform or another) must stay above an instruction of its own.
    if (ignoredTransforms(doc, instruction).size > 0 || isIgnored(doc, adjacentRun, 'merge-runs')) {
      flush();
      chain = [step];
      continue;
    }
    const why = before.blocked ?? step.blocked ?? pairBlocker(before, step);
    if (why) {
      skip(adjacentRun, instruction, why);
      flush();
      chain = [step];
      continue;
    }
    chain.push(step);
  }
  flush();
  return proposals;
}

function analyzeStep(run: InstructionView, shell: string | null, stage: StageView, windowsBase: string | null): Step {
  const script = analyzeScript(run.args);
  const contentEnd = run.argsStart + run.argsText.trimEnd().length;
  const step: Step = { run, script, contentEnd };
  const lastLine = run.argsText.trimEnd().split(/\r\n|\r|\n/).pop() ?? '';
  const via = windowsBase && windowsBase !== stage.base ? ` (built on ${windowsBase})` : '';
  if (windowsBase) step.blocked = `the stage's base ${stage.base}${via} looks like Windows, whose default shell is cmd`;
  else if (shell !== null && !POSIX_SHELLS.includes(shell)) step.blocked = `SHELL is ${shell}, not a POSIX sh or bash with plain options`;
  else if (run.hasHeredoc) step.blocked = `${quote(run)} uses a heredoc`;
  else if (run.execForm) step.blocked = `${quote(run)} is in exec form, which runs no shell`;
  else if (run.args.trim() === '') step.blocked = `${quote(run)} is empty`;
  else if (script.parseError) step.blocked = `the shell cannot parse ${quote(run)}`;
  else if (script.background) step.blocked = `${quote(run)} starts a background job (&)`;
  else if (/^\s*#/.test(lastLine) && lastLine !== run.argsText.trimEnd()) {
    step.blocked = `${quote(run)} ends with a comment line inside its continuation`;
  }
  return step;
}

/** A RUN as its first words, for messages: `RUN echo hi`. */
function quote(run: InstructionView): string {
  const script = run.args.replace(/\s+/g, ' ').trim();
  return `\`RUN ${script.length > 40 ? `${script.slice(0, 39)}…` : script}\``;
}

function flagKey(run: InstructionView): string {
  return run.flags.map((f) => f.text.trim()).sort().join(' ');
}

/** Whether `next` can follow `current` in one chain; `current` stops being last. */
function pairBlocker(current: Step, next: Step): string | undefined {
  if (flagKey(current.run) !== flagKey(next.run)) {
    return `their flags differ (${flagKey(current.run) || 'none'} vs ${flagKey(next.run) || 'none'})`;
  }
  if (installsOnly(current.run) && !installsOnly(next.run)) {
    return `${quote(current.run)} only installs dependencies; kept in its own layer so it stays cached when the sources change (see split-dependency-copy)`;
  }
  const fresh = freshMountPerRun(current.run);
  if (fresh) return `each RUN gets a fresh ${fresh}, so merged they would see each other's writes to it`;
  if (current.script.errexit) {
    return `${quote(current.run)} may turn on set -e, which a shell ignores in a command before && (the merged RUN would go on after a failure)`;
  }
  if (current.script.hasComment) {
    return `${quote(current.run)} contains a # comment, which would swallow the commands after it`;
  }
  if (needsGrouping(next.script) && next.script.hasComment) {
    return `${quote(next.run)} needs grouping but contains a # comment`;
  }
  return undefined;
}

/** Whether every command of the RUN is a dependency install that an ecosystem module recognises. */
function installsOnly(run: InstructionView): boolean {
  const chain = analyzeChain(run.args);
  return chain !== null && chain.every((item) => item.words !== null && matchInstall(item.words) !== null);
}

/** A tmpfs or read-write bind mount: what one RUN writes there, the next RUN does not see. */
function freshMountPerRun(run: InstructionView): string | undefined {
  for (const flag of run.flags) {
    if (flag.name.toLowerCase() !== 'mount') continue;
    const options = new Map(
      (flag.value ?? '').split(',').map((option) => {
        const [key, value] = option.split('=');
        return [key!.trim().toLowerCase(), (value ?? 'true').trim().toLowerCase()] as const;
      }),
    );
    const writable = ['rw', 'readwrite'].some((key) => options.has(key) && options.get(key) !== 'false');
    const type = options.get('type') ?? 'bind';
    if (type === 'tmpfs' || (type === 'bind' && writable)) return `--mount=${flag.value}`;
  }
  return undefined;
}

/** `a; b` or `a || b` after `&&` would run even if an earlier step failed. */
function needsGrouping(script: ShellScript): boolean {
  return script.topLevelOperators.some((op) => op !== '&&');
}

function mergeProposal(doc: DockerfileModel, chain: Step[]): Proposal {
  const first = chain[0]!;
  const last = chain[chain.length - 1]!;
  const edits: TextEdit[] = [];
  const notes: string[] = [];
  const wraps = chain.map((step, index) => {
    const isLast = index === chain.length - 1;
    const leaks = !isLast && step.script.leaks.length > 0;
    // The first step is grouped only if `&&` cannot follow it as it is (`a;`).
    const grouped = (index > 0 || step.script.endsWithSeparator) && needsGrouping(step.script);
    if (leaks) notes.push(`${quote(step.run)} runs in a subshell so that ${step.script.leaks[0]} does not reach the next command`);
    else if (grouped && index === 0) notes.push(`${quote(step.run)} is grouped because it ends with a separator`);
    else if (grouped) notes.push(`${quote(step.run)} is grouped so that a failure still fails the build`);
    return leaks || grouped;
  });

  if (wraps[0]) edits.push({ start: first.run.argsStart, end: first.run.argsStart, text: '( ' });
  for (let i = 0; i + 1 < chain.length; i++) {
    const current = chain[i]!;
    const next = chain[i + 1]!;
    const between = doc.comments
      .filter((c) => c.start >= current.contentEnd && c.end <= next.run.argsStart)
      .map((c) => INDENT + doc.source.slice(c.start, c.end) + doc.eol)
      .join('');
    const text = `${wraps[i] ? ' )' : ''} && ${doc.escapeChar}${doc.eol}${between}${INDENT}${wraps[i + 1] ? '( ' : ''}`;
    edits.push({ start: current.contentEnd, end: next.run.argsStart, text });
  }
  if (wraps[chain.length - 1]) edits.push({ start: last.contentEnd, end: last.contentEnd, text: ' )' });

  return {
    message: `Merge ${chain.length} consecutive RUN instructions into one`,
    reason: `Each RUN adds a layer; one RUN gives the same filesystem in one layer${notes.length ? `. ${notes.join('; ')}` : ''}`,
    start: first.run.start,
    end: last.run.end,
    edits,
  };
}
