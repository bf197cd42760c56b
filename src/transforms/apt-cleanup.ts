/**
 * apt-cleanup: removes the package index in the RUN that installs from it.
 *
 * Why: `apt-get update` leaves 20–50 MB of package lists in /var/lib/apt/lists, `apk` keeps its
 * APKINDEX files in /var/cache/apk, yum/dnf/zypper their metadata under /var/cache. Once the
 * install is done nothing in the image needs them, but a file removed by a later RUN still ships
 * in the earlier layer, so the cleanup belongs in the same RUN:
 *
 *     RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
 *
 * The cleanup is appended to the end of the RUN (after everything that could read the index):
 * `rm -rf /var/lib/apt/lists/*` (apt), `rm -rf /var/cache/apk/*` (apk), `yum clean all`,
 * `dnf clean all`, `zypper clean --all`. Contract `identical-except-caches`: only the index
 * folders (the `cachePaths`) differ, and nothing that runs later in this build reads them.
 *
 * What it skips, with the reason: a later RUN in the same stage, or any RUN of a stage built FROM
 * it, that reads the index without refreshing it first (an install or query of the same manager,
 * a script file, `sh` reading a piped script, `eval`/`source`, a heredoc naming the manager); a
 * `COPY --from`/`RUN --mount=from=` of this stage that reaches the index; an `ONBUILD` naming the
 * manager; a `--mount` over the index (a cache mount keeps it out of the image already); RUNs in
 * exec form, with a heredoc or a non-POSIX SHELL; a script with a `#` comment, a background job,
 * a trailing separator, a trailing comment line or an `exit` (the cleanup would never run).
 * An install that already cleans up after itself (`rm -rf /var/lib/apt/lists/*` after the last
 * install, `apk add --no-cache`, `yum clean all`) gets no finding. Programs that are not package
 * managers (`make`, `npm ci`, …) are assumed not to install OS packages themselves.
 *
 * `--no-install-recommends` is a separate, `runtime-equivalent` transform
 * (apt-no-install-recommends): it changes which packages are installed.
 */
import type { Proposal, Transform } from '../engine/types.js';
import type { DockerfileModel, InstructionView, StageView } from '../model/dockerfile.js';
import { continuationIndent, endsWithCommentLine, isMultiLine, scriptEnd } from '../model/layout.js';
import {
  INDEX_PATHS,
  OS_PACKAGE_TOOLS,
  hasOption,
  osPackageCommand,
  removesIndex,
  writesIndex,
  type OsManager,
  type OsPackageCommand,
} from '../model/os-packages.js';
import {
  copiedFromStages,
  descendantStages,
  hiddenCode,
  isWithin,
  quoteRun,
  readRunCommands,
  runMounts,
  runShells,
  type RunCommands,
} from '../model/run.js';

const MANAGER_NAMES: Record<OsManager, string> = { apt: 'apt', apk: 'apk', yum: 'yum', dnf: 'dnf', zypper: 'zypper' };

function cleanupCommand(manager: OsManager, tool: string): string {
  switch (manager) {
    case 'apt':
      return 'rm -rf /var/lib/apt/lists/*';
    case 'apk':
      return 'rm -rf /var/cache/apk/*';
    case 'zypper':
      return `${tool} clean --all`;
    default:
      return `${tool} clean all`;
  }
}

export const aptCleanup: Transform = {
  id: 'apt-cleanup',
  title: 'Remove the package index in the RUN that installs',
  contract: 'identical-except-caches',
  priority: 14,
  cachePaths: [...Object.values(INDEX_PATHS), '/var/cache/libdnf5'],
  run(doc) {
    const shells = runShells(doc);
    const views = new Map<InstructionView, RunCommands>();
    const view = (run: InstructionView) => {
      let found = views.get(run);
      if (!found) views.set(run, (found = readRunCommands(run, shells.get(run) ?? null)));
      return found;
    };
    const proposals: Proposal[] = [];
    for (const stage of doc.stages) {
      stage.instructions.forEach((run, index) => {
        if (run.keyword !== 'RUN') return;
        const proposal = cleanupProposal(doc, stage, index, view(run), view);
        if (proposal) proposals.push(proposal);
      });
    }
    return proposals;
  },
};

/** The managers whose index this RUN leaves behind, with the tool it used. */
function leftIndexes(commands: string[][]): Map<OsManager, string> {
  const left = new Map<OsManager, string>();
  const installs = new Set<OsManager>();
  for (const words of commands) {
    const command = osPackageCommand(words);
    for (const manager of [...left.keys()]) if (removesIndex(words, manager)) left.delete(manager);
    if (!command) continue;
    if (command.action === 'install') installs.add(command.manager);
    const leaves = command.manager === 'apt' ? command.action === 'install' || command.action === 'update' : writesIndex(command);
    if (leaves) left.set(command.manager, command.tool === 'apt' || command.tool === 'aptitude' ? 'apt-get' : command.tool);
  }
  for (const manager of [...left.keys()]) if (!installs.has(manager)) left.delete(manager);
  return left;
}

function cleanupProposal(
  doc: DockerfileModel,
  stage: StageView,
  index: number,
  view: RunCommands,
  viewOf: (run: InstructionView) => RunCommands,
): Proposal | null {
  const run = view.run;
  const skip = (manager: OsManager, reason: string): Proposal => ({
    message: `The ${MANAGER_NAMES[manager]} package index is not removed in ${quoteRun(run)}`,
    reason,
    start: run.start,
    end: run.end,
  });
  if (view.opaque) {
    const manager = mentionedManagers(run)[0];
    return manager && /\b(install|add)\b/.test(run.argsText) ? skip(manager, `${view.opaque}, so a cleanup cannot be appended`) : null;
  }
  const left = leftIndexes(view.commands);
  if (left.size === 0) return null;
  const [manager] = [...left.keys()] as [OsManager];
  if (run.execForm) return skip(manager, `${quoteRun(run)} is in exec form, which runs no shell to append a cleanup to`);

  const cleanups: string[] = [];
  const skips: Proposal[] = [];
  for (const [m, tool] of left) {
    const why = blocker(doc, stage, index, m, viewOf);
    if (why) skips.push(skip(m, why));
    else cleanups.push(cleanupCommand(m, tool));
  }
  if (cleanups.length === 0) return skips[0] ?? null;
  const script = view.script!;
  const scriptProblem = script.hasComment
    ? `${quoteRun(run)} contains a # comment, which would swallow the appended cleanup`
    : script.background
      ? `${quoteRun(run)} starts a background job (&)`
      : script.endsWithSeparator
        ? `${quoteRun(run)} ends with a separator, so && cannot follow it`
        : endsWithCommentLine(run)
          ? `${quoteRun(run)} ends with a comment line inside its continuation`
          : script.leaks.includes('exit')
            ? `${quoteRun(run)} may exit before an appended cleanup would run`
            : null;
  if (scriptProblem) return skip(manager, scriptProblem);
  if (skips.length > 0) return skips[0]!;

  const at = scriptEnd(run);
  const joined = cleanups.join(' && ');
  const text = isMultiLine(run) ? ` ${doc.escapeChar}${doc.eol}${continuationIndent(run)}&& ${joined}` : ` && ${joined}`;
  const names = [...left.keys()].map((m) => INDEX_PATHS[m]).join(', ');
  return {
    message: `Remove the package index (${names}) at the end of ${quoteRun(run)}`,
    reason: `Nothing later in the build reads it, and a file removed by a later RUN would still ship in this layer; only the package-manager cache paths differ`,
    start: run.start,
    end: run.end,
    edits: [{ start: at, end: at, text }],
  };
}

function mentionedManagers(run: InstructionView): OsManager[] {
  const words = new Set(run.argsText.split(/[^\w.-]+/));
  return [...new Set(OS_PACKAGE_TOOLS.filter((tool) => words.has(tool)).map((tool) => osPackageCommand([tool])!.manager))];
}

/** Why the index must stay after this RUN, or null. */
function blocker(doc: DockerfileModel, stage: StageView, index: number, manager: OsManager, viewOf: (run: InstructionView) => RunCommands): string | null {
  const run = stage.instructions[index]!;
  const indexPath = INDEX_PATHS[manager];
  const mount = runMounts(run).find((m) => m.target !== null && isWithin(indexPath, m.target));
  if (mount) {
    return mount.type === 'cache'
      ? `the cache mount ${mount.text} keeps ${indexPath} out of the image already`
      : `${mount.text} covers ${indexPath}, so the index is not in this layer`;
  }
  const later = [
    ...stage.instructions.slice(index + 1).map((instruction) => ({ instruction, own: true })),
    ...descendantStages(doc, stage.index).flatMap((i) => doc.stages[i]!.instructions.map((instruction) => ({ instruction, own: false }))),
  ];
  for (const { instruction, own } of later) {
    if (instruction.keyword === 'ONBUILD' && mentionedManagersText(instruction.args).includes(manager)) {
      return `\`ONBUILD ${instruction.args.trim().slice(0, 40)}\` runs ${MANAGER_NAMES[manager]} in images built from this one`;
    }
    if (instruction.keyword !== 'RUN') continue;
    const reads = readsIndex(viewOf(instruction), manager);
    if (reads) {
      const where = own ? '' : ` (in a stage built FROM this one)`;
      return `${quoteRun(instruction)}${where} on line ${doc.positionAt(instruction.start).line + 1} ${reads}`;
    }
  }
  const stages = new Set([stage.index, ...descendantStages(doc, stage.index)]);
  const copied = copiedFromStages(doc, stages, indexPath);
  return copied ? `${copied}, which may include ${indexPath}` : null;
}

function mentionedManagersText(text: string): OsManager[] {
  const words = new Set(text.split(/[^\w.-]+/));
  return OS_PACKAGE_TOOLS.filter((tool) => words.has(tool)).map((tool) => osPackageCommand([tool])!.manager);
}

/** How a later RUN may read the index (as the end of a sentence), or null. */
export function readsIndex(view: RunCommands, manager: OsManager): string | null {
  if (view.opaque) {
    const mentioned = mentionedManagersText(view.run.argsText).includes(manager) || view.run.argsText.includes(INDEX_PATHS[manager]);
    return mentioned ? `may read the package index: ${view.opaque}` : null;
  }
  let refreshed = false;
  for (const words of view.commands) {
    const command: OsPackageCommand | null = osPackageCommand(words);
    if (command && command.manager === manager) {
      if (command.action === 'update' || (command.manager === 'apk' && hasOption(command, '-U', '--update-cache', '--update'))) refreshed = true;
      if (refreshed) continue;
      if (command.manager === 'apk' && hasOption(command, '--no-cache')) continue;
      if (command.action === 'install' || command.action === 'query') return `runs \`${words.slice(0, 3).join(' ')}\`, which reads the package index`;
      continue;
    }
    if (words.some((w) => w.includes(INDEX_PATHS[manager])) && !removesIndex(words, manager)) {
      return `names ${INDEX_PATHS[manager]}, so it may read the package index`;
    }
    const hidden = hiddenCode(words);
    if (hidden) return `${hidden}, which may read the package index`;
    const named = words.slice(1).find((w) => OS_PACKAGE_TOOLS.includes(w) && osPackageCommand([w])!.manager === manager);
    if (named && !refreshed) return `passes ${named} to \`${words[0]}\`, which may read the package index`;
  }
  return null;
}
