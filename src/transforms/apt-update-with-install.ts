/**
 * apt-update-with-install: moves a lone `RUN apt-get update` (or `apk update`, `dnf`/`yum
 * makecache`, `zypper refresh`) into the later RUN that installs from the index it fetched.
 *
 * Why: the update's layer stays cached while the install list changes, so a later build installs
 * from an index as old as that cached layer (packages that vanished from the mirror fail, new
 * versions are missed). Refreshed in the install's own RUN, the index is fetched whenever the
 * install runs:
 *
 *     RUN apt-get update                     RUN apt-get update && apt-get install -y curl
 *     RUN apt-get install -y curl      ->
 *
 * Contract `identical-except-caches`: the update runs with the same configuration, files, user
 * and environment it ran with before, only later; nothing that runs between them reads the index,
 * so the packages installed are the same. Only the index folders themselves (the `cachePaths`)
 * come from a later fetch. When the install RUN already refreshes the index first, the lone
 * update is redundant and is removed. An update that ends a longer `&&` chain (after adding a
 * repository) moves the same way, the rest of its RUN staying where it is.
 *
 * What it skips, with the reason: any RUN between the update and the install (it might read the
 * index); a USER, SHELL or VOLUME between them; an ENV/ARG between them that may change what the
 * update fetches (`APT_CONFIG`, proxies, …); a COPY/ADD between them whose destination may hold
 * package-manager configuration (under /etc, /var, /usr/lib, keyrings) or is unknown; RUNs whose
 * flags differ; an install RUN in exec form, with a heredoc, a non-POSIX SHELL, a `#` comment or
 * a background job where the update would have to wrap it; an update RUN that is no plain `&&`
 * chain, or whose earlier commands change shell state the update would lose.
 */
import type { Proposal, TextEdit, Transform } from '../engine/types.js';
import type { DockerfileModel, InstructionView, StageView } from '../model/dockerfile.js';
import { endsWithCommentLine, instructionLines, scriptEnd, scriptOffsetMapper } from '../model/layout.js';
import { OS_CACHE_PATHS, OS_PACKAGE_TOOLS, osPackageCommand, type OsManager } from '../model/os-packages.js';
import { copyDestination, definedVariables, pathsOverlap, quoteRun, readRunCommands, runShells } from '../model/run.js';
import { analyzeChain, analyzeScript } from '../model/shell.js';

/** Folders whose files may change what an update fetches or how it verifies it. */
const CONFIG_ROOTS = ['/etc', '/var', '/usr/lib', '/lib', '/usr/share/keyrings', '/usr/share/ca-certificates', '/usr/local/share/ca-certificates'];
/** Variables that change what an update reads or where it fetches from. */
const CONFIG_VARIABLE = /^(APT_\w*|DPKG_\w*|YUM\w*|DNF\w*|ZYPP\w*|ZYPPER\w*|(http|https|ftp|all|no)_proxy)$/i;
const PLAIN_WORD = /^[A-Za-z0-9_.\/:=+@%,-]+$/;

interface LoneUpdate {
  manager: OsManager;
  /** The update command as it is written, to be run in the install's RUN. */
  text: string;
  /** What to delete: the whole RUN, or the `&& update` at the end of a chain. */
  removal: TextEdit;
  /** Why it cannot move, when it cannot. */
  blocked?: string;
}

export const aptUpdateWithInstall: Transform = {
  id: 'apt-update-with-install',
  title: 'Refresh the package index in the RUN that installs',
  contract: 'identical-except-caches',
  priority: 18,
  cachePaths: [...new Set(Object.values(OS_CACHE_PATHS).flat())],
  run(doc) {
    const shells = runShells(doc);
    const proposals: Proposal[] = [];
    for (const stage of doc.stages) {
      stage.instructions.forEach((instruction, index) => {
        if (instruction.keyword !== 'RUN') return;
        const update = loneUpdate(doc, instruction, shells.get(instruction) ?? null);
        if (update) {
          const proposal = moveUpdate(stage, index, update, shells);
          if (proposal) proposals.push(proposal);
        }
      });
    }
    return proposals;
  },
};

/** The update a RUN consists of (or ends with), or null when it is none. */
function loneUpdate(doc: DockerfileModel, run: InstructionView, shell: string[] | null): LoneUpdate | null {
  const lines = instructionLines(doc, run);
  const whole: TextEdit = { start: lines.start, end: lines.end, text: '' };
  if (run.execForm) {
    const command = osPackageCommand(run.execForm);
    if (command?.action !== 'update') return null;
    const plain = run.execForm.every((word) => PLAIN_WORD.test(word));
    return { manager: command.manager, text: run.execForm.join(' '), removal: whole, ...(plain ? {} : { blocked: `${quoteRun(run)} has words that would need quoting` }) };
  }
  const view = readRunCommands(run, shell);
  if (view.opaque) return null;
  const chain = analyzeChain(run.args);
  if (!chain) {
    const update = view.commands.map(osPackageCommand).find((c) => c?.action === 'update');
    return update ? { manager: update.manager, text: '', removal: whole, blocked: `${quoteRun(run)} is not a plain && chain, so its update cannot be taken out of it` } : null;
  }
  const commands = chain.map((item) => (item.words ? osPackageCommand(item.words) : null));
  const last = commands.at(-1);
  if (last?.action !== 'update') return null;
  const manager = last.manager;
  if (commands.every((c) => c?.action === 'update' && c.manager === manager)) {
    return { manager, text: chain.map((item) => item.text).join(' && '), removal: whole };
  }
  // `… && apt-get update` after adding a repository: only the trailing update moves.
  const earlier = run.args.slice(0, chain[chain.length - 2]!.end);
  const leaks = analyzeScript(earlier).leaks;
  const toSource = scriptOffsetMapper(doc, run);
  const removal = { start: toSource(chain[chain.length - 2]!.end - 1) + 1, end: toSource(chain.at(-1)!.end - 1) + 1, text: '' };
  return {
    manager,
    text: chain.at(-1)!.text,
    removal,
    ...(leaks.length > 0 ? { blocked: `the commands before the update in ${quoteRun(run)} change shell state (${leaks[0]}) that the update would lose` } : {}),
  };
}

function mentionsManager(run: InstructionView, manager: OsManager): boolean {
  const words = run.argsText.split(/[^\w.-]+/);
  return OS_PACKAGE_TOOLS.some((tool) => words.includes(tool) && osPackageCommand([tool])?.manager === manager);
}

function installsWith(commands: string[][], manager: OsManager): { installs: boolean; updatesFirst: boolean } {
  for (const words of commands) {
    const command = osPackageCommand(words);
    if (!command || command.manager !== manager) continue;
    if (command.action === 'update') return { installs: true, updatesFirst: true };
    if (command.action === 'install' || command.action === 'query') return { installs: true, updatesFirst: false };
  }
  return { installs: false, updatesFirst: false };
}

function moveUpdate(
  stage: StageView,
  updateIndex: number,
  update: LoneUpdate,
  shells: Map<InstructionView, string[] | null>,
): Proposal | null {
  const updateRun = stage.instructions[updateIndex]!;
  let blocker: string | null = null;
  let workdir: string | null = workdirBefore(stage, updateIndex);
  for (let i = updateIndex + 1; i < stage.instructions.length; i++) {
    const instruction = stage.instructions[i]!;
    if (instruction.keyword === 'RUN') {
      const view = readRunCommands(instruction, shells.get(instruction) ?? null);
      const target = view.opaque ? null : installsWith(view.commands, update.manager);
      const skip = (reason: string): Proposal => ({
        message: `${quoteRun(updateRun)} is not moved into ${quoteRun(instruction)}`,
        reason,
        start: updateRun.start,
        end: instruction.end,
      });
      // A RUN whose commands cannot be read but that names the manager may be the install.
      if (view.opaque && !blocker && mentionsManager(instruction, update.manager)) return skip(view.opaque);
      if (target?.installs) {
        if (update.blocked) return skip(update.blocked);
        if (blocker) return skip(blocker);
        return joinInto(updateRun, instruction, update, target.updatesFirst, skip);
      }
      if (blocker) continue;
      blocker = `${quoteRun(instruction)} runs between the update and the install and might read the package index`;
      continue;
    }
    if (blocker) continue;
    blocker = betweenBlocker(instruction, workdir);
    if (instruction.keyword === 'WORKDIR') workdir = resolveWorkdir(workdir, instruction.args.trim());
  }
  return null;
}

/** Why an instruction between the update and the install keeps the update where it is, or null. */
function betweenBlocker(instruction: InstructionView, workdir: string | null): string | null {
  const shown = `\`${instruction.keyword} ${instruction.args.replace(/\s+/g, ' ').trim().slice(0, 40)}\``;
  switch (instruction.keyword) {
    case 'USER':
      return `${shown} between them changes who would run the update`;
    case 'SHELL':
      return `${shown} between them changes the shell the update would run in`;
    case 'VOLUME':
      return `${shown} stands between them`;
    case 'ENV':
    case 'ARG': {
      const names = definedVariables(instruction);
      const name = names.find((n) => CONFIG_VARIABLE.test(n));
      return name ? `${shown} between them sets ${name}, which may change what the update fetches` : null;
    }
    case 'COPY':
    case 'ADD': {
      const destination = copyDestination(instruction);
      if (destination === null || destination.includes('$')) return `the destination of ${shown} between them cannot be read`;
      const absolute = destination.startsWith('/') ? destination : workdir === null ? null : `${workdir}/${destination}`;
      if (absolute === null) return `${shown} between them copies relative to a WORKDIR this file does not set`;
      const root = CONFIG_ROOTS.find((r) => pathsOverlap(absolute, r));
      return root ? `${shown} between them writes where package-manager configuration lives (${root})` : null;
    }
    default:
      return null;
  }
}

function workdirBefore(stage: StageView, index: number): string | null {
  let workdir: string | null = null;
  for (const instruction of stage.instructions.slice(0, index)) {
    if (instruction.keyword === 'WORKDIR') workdir = resolveWorkdir(workdir, instruction.args.trim());
  }
  return workdir;
}

function resolveWorkdir(current: string | null, target: string): string | null {
  const clean = target.replace(/^["']|["']$/g, '');
  if (clean.includes('$') || clean === '') return null;
  if (clean.startsWith('/')) return clean;
  return current === null ? null : `${current.replace(/\/$/, '')}/${clean}`;
}

function flagKey(run: InstructionView): string {
  return run.flags.map((f) => f.text.trim()).sort().join(' ');
}

function joinInto(
  updateRun: InstructionView,
  installRun: InstructionView,
  update: LoneUpdate,
  updatesFirst: boolean,
  skip: (reason: string) => Proposal,
): Proposal {
  if (flagKey(updateRun) !== flagKey(installRun)) {
    return skip(`their flags differ (${flagKey(updateRun) || 'none'} vs ${flagKey(installRun) || 'none'})`);
  }
  const edits: TextEdit[] = [update.removal];
  const base = { start: updateRun.start, end: installRun.end };
  if (updatesFirst) {
    return {
      ...base,
      message: `Remove the update in ${quoteRun(updateRun)}: ${quoteRun(installRun)} refreshes the index itself`,
      reason: 'The install RUN fetches the index again before it installs, so the earlier update only adds a layer that nothing reads',
      edits,
    };
  }
  if (installRun.execForm) return skip(`${quoteRun(installRun)} is in exec form, which runs no shell to join the update to`);
  const chain = analyzeChain(installRun.args);
  if (chain) {
    edits.push({ start: installRun.argsStart, end: installRun.argsStart, text: `${update.text} && ` });
  } else {
    const script = analyzeScript(installRun.args);
    if (script.hasComment) return skip(`${quoteRun(installRun)} contains a # comment, so it cannot be grouped after the update`);
    if (script.background) return skip(`${quoteRun(installRun)} starts a background job (&)`);
    if (endsWithCommentLine(installRun)) return skip(`${quoteRun(installRun)} ends with a comment line inside its continuation`);
    // `update && a; b` would run b after a failed update: the install's script runs as one group.
    edits.push({ start: installRun.argsStart, end: installRun.argsStart, text: `${update.text} && ( ` });
    edits.push({ start: scriptEnd(installRun), end: scriptEnd(installRun), text: ' )' });
  }
  return {
    ...base,
    message: `Move \`${update.text}\` into ${quoteRun(installRun)}, which installs`,
    reason: 'A RUN that only refreshes the index stays cached while the install list changes, so later builds install from a stale index; in one RUN the index is fetched whenever the install runs. Only the index caches differ',
    edits,
  };
}
