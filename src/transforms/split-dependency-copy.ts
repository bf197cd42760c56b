/**
 * split-dependency-copy: copies only the files a dependency install reads before it runs, and
 * the rest of the sources after.
 *
 * Why: after `COPY . /app`, any edit anywhere in the context changes that layer, so the install
 * below it runs again. With the manifests copied first, the install layer stays cached until a
 * manifest changes:
 *
 *     COPY package.json package-lock.json ./      <- only what `npm ci` reads
 *     RUN npm ci
 *     COPY . .                                    <- the original COPY, moved below the install
 *
 * Contract `identical`: the install sees exactly the files it reads (the ecosystem modules in
 * src/model/ecosystems/ say which), it writes nothing the moved COPY would overwrite, and the
 * moved COPY then lays down the same files as before. When the install is the first part of an
 * `&&` chain, the RUN is split after it, so the later commands still see every source file.
 *
 * What it skips, with the reason: no build context to look at; a COPY with `--from` or flags
 * other than --chown/--chmod/--link, or whose source is not one directory of the context;
 * anything but ENV/ARG/LABEL/EXPOSE/USER/WORKDIR-like instructions between the COPY and the install
 * (another RUN, COPY, ADD or a VOLUME); an install that is not at the start of a plain `&&`
 * chain; a non-POSIX SHELL; an install that runs outside the copied folder, or in a subfolder of
 * it below files the tool also looks for in parent folders (a workspace root, .yarnrc, go.work);
 * a COPY to a relative destination with a WORKDIR between it and the install (moved below the
 * install, it would copy into another folder); an install whose inputs cannot be bounded
 * (lifecycle scripts, local path dependencies, `npm install`, an unfrozen lockfile, …); a file
 * it reads that is a symbolic link (copied alone it would dangle); and a context that sends what
 * the install writes (e.g. node_modules not in .dockerignore).
 */
import path from 'node:path';
import type { Proposal, TextEdit, Transform } from '../engine/types.js';
import type { BuildContext } from '../model/context.js';
import type { Arg, Env } from 'dockerfile-ast';
import { joinContinuationsWithOffsets, type DockerfileModel, type InstructionView } from '../model/dockerfile.js';
import { matchInstall, type InstallCommand, type InstallDirectory } from '../model/ecosystems/index.js';
import { analyzeChain, analyzeScript, type ChainItem } from '../model/shell.js';

/** Instructions that read no files and may stand between the COPY and the install. */
const NEUTRAL_KEYWORDS = new Set(['ENV', 'ARG', 'LABEL', 'EXPOSE', 'USER', 'WORKDIR', 'STOPSIGNAL', 'HEALTHCHECK', 'CMD', 'ENTRYPOINT', 'MAINTAINER', 'ONBUILD']);
const ALLOWED_COPY_FLAGS = new Set(['chown', 'chmod', 'link']);
/** The base image's working directory, which this file cannot see. */
const BASE_WORKDIR = '/\u0000base-workdir';
const PLAIN_PATH = /^[A-Za-z0-9._@+/-]+$/;
/** Variables through which package managers take settings that can move what they read or write. */
const TOOL_VARIABLE = /^(npm_config_|NPM_CONFIG_|YARN_|PNPM_|BUN_|BUNDLE_|GEM_|COMPOSER|PIP_|PIPENV_|POETRY_|UV_|VIRTUAL_ENV|MIX_|HEX_|GO|CARGO_|MAVEN_|MVNW_|GRADLE_|ORG_GRADLE_|JAVA_TOOL_OPTIONS|JDK_JAVA_OPTIONS|_JAVA_OPTIONS|DOTNET_|NUGET_|MSBUILD)/;
/** Those that only pick versions, logging, caches outside the folder, or a venv the ecosystems already count as written. */
const HARMLESS_TOOL_VARIABLES = new Set([
  'npm_config_loglevel', 'NPM_CONFIG_LOGLEVEL', 'npm_config_fund', 'npm_config_audit', 'NPM_CONFIG_UPDATE_NOTIFIER',
  'YARN_ENABLE_TELEMETRY', 'YARN_ENABLE_PROGRESS_BARS', 'BUNDLE_JOBS', 'BUNDLE_RETRY', 'BUNDLE_FROZEN', 'BUNDLE_WITHOUT',
  'COMPOSER_ALLOW_SUPERUSER', 'COMPOSER_NO_INTERACTION', 'PIP_NO_CACHE_DIR', 'PIP_DISABLE_PIP_VERSION_CHECK',
  'PIP_ROOT_USER_ACTION', 'PIP_DEFAULT_TIMEOUT', 'PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_TRUSTED_HOST', 'PIP_PREFER_BINARY',
  'PIPENV_VENV_IN_PROJECT', 'POETRY_VIRTUALENVS_IN_PROJECT', 'POETRY_VIRTUALENVS_CREATE', 'POETRY_NO_INTERACTION',
  'POETRY_VERSION', 'POETRY_HOME', 'UV_COMPILE_BYTECODE', 'UV_LINK_MODE', 'UV_NO_CACHE', 'UV_PYTHON_DOWNLOADS',
  'MIX_ENV', 'HEX_HTTP_TIMEOUT', 'GOOS', 'GOARCH', 'GOPROXY', 'GOPRIVATE', 'GONOSUMDB', 'GONOSUMCHECK', 'GOSUMDB',
  'GOTOOLCHAIN', 'DOTNET_CLI_TELEMETRY_OPTOUT', 'DOTNET_NOLOGO', 'DOTNET_SKIP_FIRST_TIME_EXPERIENCE', 'DOTNET_GENERATE_ASPNET_CERTIFICATE',
  'DOTNET_RUNNING_IN_CONTAINER', 'DOTNET_USE_POLLING_FILE_WATCHER', 'DOTNET_SYSTEM_GLOBALIZATION_INVARIANT', 'DOTNET_CLI_UI_LANGUAGE',
  'NUGET_XMLDOC_MODE', 'MSBUILDDISABLENODEREUSE', 'MAVEN_VERSION', 'GRADLE_VERSION',
]);

interface PendingCopy {
  copy: InstructionView;
  workdir: string | null;
  /** Why an instruction between the COPY and the RUN prevents moving it. */
  blocked: string | null;
}

export const splitDependencyCopy: Transform = {
  id: 'split-dependency-copy',
  title: 'Copy dependency manifests before the install',
  contract: 'identical',
  priority: 20,
  run(doc, ctx) {
    const proposals: Proposal[] = [];
    for (const stage of doc.stages) {
      let workdir: string | null = BASE_WORKDIR;
      let pending: PendingCopy | null = null;
      let shellChanged = false;
      let toolVariable: string | null = null;
      for (const instruction of stage.instructions) {
        const keyword = instruction.keyword;
        if (keyword === 'RUN' && pending) {
          const stageSetting = shellChanged
            ? 'the stage sets a SHELL, so the install command cannot be read safely'
            : toolVariable && `the stage sets ${toolVariable}, which may change which files the install reads or writes`;
          const proposal = splitAt(doc, ctx.buildContext, pending, instruction, workdir, stageSetting);
          if (proposal) {
            proposals.push(proposal);
            pending = null;
            continue;
          }
        }
        if (keyword === 'WORKDIR') workdir = resolveWorkdir(workdir, instruction.args.trim());
        if (keyword === 'SHELL') shellChanged = true;
        toolVariable ??= variablesSet(instruction).find(isToolVariable) ?? null;
        if (keyword === 'COPY') pending = copiesOneFolder(instruction, ctx.buildContext) ? { copy: instruction, workdir, blocked: null } : null;
        else if (pending && !pending.blocked && !NEUTRAL_KEYWORDS.has(keyword)) {
          pending.blocked = `\`${snippet(instruction)}\` runs between the COPY and the install`;
        }
      }
    }
    return proposals;
  },
};

/** `COPY . /app`, `COPY ./ .`, `COPY src/ /src`: one source that is a folder of the context. */
function copiesOneFolder(copy: InstructionView, context: BuildContext | null): boolean {
  const args = copy.node.getArguments().map((a) => a.getValue());
  if (args.length !== 2 || copy.flags.some((f) => f.name.toLowerCase() === 'from')) return false;
  const source = path.posix.normalize(args[0]!).replace(/\/$/, '');
  if (source === '.') return true;
  return context !== null && !/[*?[$]/.test(source) && context.isSentDirectory(source);
}

function isToolVariable(name: string): boolean {
  return TOOL_VARIABLE.test(name) && !HARMLESS_TOOL_VARIABLES.has(name);
}

/** Names an ENV or ARG sets (ARGs are in the environment of the RUNs below them). */
function variablesSet(instruction: InstructionView): string[] {
  if (instruction.keyword === 'ENV') return (instruction.node as Env).getProperties().map((p) => p.getName());
  if (instruction.keyword === 'ARG') return [(instruction.node as Arg).getProperty()?.getName() ?? ''];
  return [];
}

/** A short form of an instruction for messages: `COPY . .`, `RUN npm ci && …`. */
function snippet(instruction: InstructionView): string {
  const text = `${instruction.keyword} ${instruction.args.replace(/\s+/g, ' ').trim()}`;
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function resolveWorkdir(current: string | null, target: string): string | null {
  if (current === null || target.includes('$') || target === '') return null;
  return path.posix.resolve(current, target.replace(/^["']|["']$/g, ''));
}

/** A proposal for this RUN, or null when it installs nothing. */
function splitAt(
  doc: DockerfileModel,
  context: BuildContext | null,
  pending: PendingCopy,
  run: InstructionView,
  runWorkdir: string | null,
  /** Why something set earlier in the stage makes the install unreadable, if it does. */
  stageSetting: string | null,
): Proposal | null {
  if (run.execForm || run.hasHeredoc) return null;
  const chain = analyzeChain(run.args);
  const installs: InstallCommand[] = [];
  if (!chain) {
    const installs = analyzeScript(run.args).commandWords.some((words) => matchInstall(words) !== null);
    return installs ? skip(pending.copy, run, 'the install is not part of a plain && chain (a ;, ||, pipe or redirect around it), so it cannot be cut out') : null;
  }
  for (const item of chain) {
    const match = item.words ? matchInstall(item.words, installs) : null;
    if (match === null) break;
    if ('skip' in match) return skip(pending.copy, run, match.skip);
    installs.push(match);
  }
  // Setup steps (`corepack enable`, `bundle config set …`) only ride along with a real install.
  while (installs.at(-1)?.setupOnly) installs.pop();
  if (installs.length === 0) {
    const later = chain.find((item) => {
      const match = item.words ? matchInstall(item.words) : null;
      return match !== null && !('plan' in match && match.setupOnly);
    });
    return later ? skip(pending.copy, run, `\`${chain[0]!.text}\` runs before the install in the same RUN`) : null;
  }
  const name = installs.map((install) => install.display).join(' && ');
  const fail = (reason: string) => skip(pending.copy, run, reason);
  if (pending.blocked) return fail(pending.blocked);
  if (stageSetting) return fail(stageSetting);
  const prefixed = chain.slice(0, installs.length).flatMap((item) => item.assigned).find(isToolVariable);
  if (prefixed) return fail(`the install sets ${prefixed}, which may change which files it reads or writes`);
  if (!context) return fail('the build context is not available, so the files the install reads cannot be checked');

  const copy = pending.copy;
  const flagNames = copy.flags.map((f) => f.name.toLowerCase());
  const badFlag = flagNames.find((flag) => !ALLOWED_COPY_FLAGS.has(flag));
  if (badFlag) return fail(`the COPY uses --${badFlag}`);
  const copyArgs = copy.node.getArguments().map((a) => a.getValue());
  if (copy.execForm || copy.args.trim().startsWith('[') || copyArgs.length !== 2) return fail('the COPY does not copy exactly one source to one destination');
  const [source, destination] = copyArgs as [string, string];
  if (source.includes('$') || destination.includes('$')) return fail('the COPY uses variables');
  const sourceDir = path.posix.normalize(source).replace(/\/$/, '').replace(/^\.$/, '');
  if (sourceDir.startsWith('..') || sourceDir.startsWith('/') || /[*?[]/.test(sourceDir)) return fail(`the COPY source ${source} is not a folder of the context`);
  if (sourceDir !== '' && !context.isSentDirectory(sourceDir)) return fail(`the COPY source ${source} is not a folder of the build context`);
  if (pending.workdir === null || runWorkdir === null) return fail('WORKDIR uses variables, so where the install runs is unknown');
  const destinationDir = path.posix.resolve(pending.workdir, destination);
  const installRelative = path.posix.relative(destinationDir, runWorkdir);
  if (installRelative.startsWith('..') || path.posix.isAbsolute(installRelative)) {
    return fail(`the install runs in ${runWorkdir.replace(BASE_WORKDIR, "the base image's WORKDIR")}, outside the folder the COPY fills`);
  }
  // Moved below the install, a relative destination would resolve against the later WORKDIR.
  if (!path.posix.isAbsolute(destination) && runWorkdir !== pending.workdir) {
    return fail(`a WORKDIR between the COPY and the install changes what its relative destination ${destination} means, so moved below the install it would copy elsewhere`);
  }
  const installDir = path.posix.join(sourceDir, installRelative).replace(/^\.$/, '');
  const directory = scopedDirectory(context, installDir);
  const above = ancestorFileReason(context, installs, sourceDir, installRelative);
  if (above) return fail(above);

  const reads = new Set<string>();
  for (const install of installs) {
    const plan = install.plan(directory);
    if ('skip' in plan) return fail(plan.skip);
    for (const written of plan.writes) {
      const full = path.posix.join(installDir, written);
      if (context.isSent(full)) {
        return fail(`the build context sends ${full}, which the moved COPY would copy over what \`${install.display}\` wrote; add it to .dockerignore`);
      }
    }
    for (const file of plan.reads) reads.add(path.posix.normalize(file));
  }
  const unsafe = [...reads].find((file) => !PLAIN_PATH.test(file));
  if (unsafe) return fail(`the file name ${unsafe} would need quoting`);
  // A link copied on its own would point at a file the moved COPY has not placed yet.
  const linked = [...reads].find((file) => !context.isRegularFile(path.posix.join(installDir, file)));
  if (linked) return fail(`${path.posix.join(installDir, linked)} is a symbolic link or sits in a linked folder, so copied first it would point at nothing`);

  const edits = buildEdits(doc, copy, run, chain, installs.length, [...reads], { installDir, destination, installRelative });
  const listed = [...reads].join(', ');
  return {
    message: `Copy only ${listed} before \`${name}\`, and the rest after it`,
    reason: `\`${name}\` reads only these files, so its layer stays cached until one of them changes instead of re-running on every source edit`,
    start: copy.start,
    end: run.end,
    edits,
  };
}

/**
 * When the install runs in a subfolder of the copied folder, the folders between hold files the
 * tool may also read (a workspace root's package.json, .yarnrc, go.work, .bundle/, …): they would
 * not be there yet once the COPY moves below the install.
 */
function ancestorFileReason(context: BuildContext, installs: InstallCommand[], sourceDir: string, installRelative: string): string | null {
  if (installRelative === '') return null;
  for (let folder = path.posix.dirname(installRelative); ; folder = path.posix.dirname(folder)) {
    const contextFolder = path.posix.join(sourceDir || '.', folder);
    for (const install of installs) {
      const name = (install.ancestorFiles ?? []).find((file) => context.isSent(path.posix.join(contextFolder, file)));
      if (name) {
        const where = path.posix.join(contextFolder, name);
        return `\`${install.display}\` runs in ${installRelative}/ inside the copied folder, and ${install.ecosystem} also looks for ${where} above it (a workspace root or config), which would not be there yet before the install`;
      }
    }
    if (folder === '.') return null;
  }
}

function skip(copy: InstructionView, run: InstructionView, reason: string): Proposal {
  return {
    message: `\`${snippet(copy)}\` is not split before \`${snippet(run)}\``,
    reason,
    start: copy.start,
    end: run.end,
  };
}

function scopedDirectory(context: BuildContext, installDir: string): InstallDirectory {
  const full = (relative: string) => path.posix.join(installDir || '.', relative);
  return {
    isSent: (relative) => context.isSent(full(relative)),
    isSentDirectory: (relative) => relative === '' ? (installDir === '' || context.isSentDirectory(installDir)) : context.isSentDirectory(full(relative)),
    readText: (relative) => context.readText(full(relative)),
    sentUnder: (relative) => {
      const listing = context.sentUnder(relative === '' ? installDir : full(relative));
      if (listing === 'too-many') return listing;
      return listing.map((file) => (installDir ? file.slice(installDir.length + 1) : file));
    },
  };
}

function buildEdits(
  doc: DockerfileModel,
  copy: InstructionView,
  run: InstructionView,
  chain: ChainItem[],
  installCount: number,
  reads: string[],
  where: { installDir: string; destination: string; installRelative: string },
): TextEdit[] {
  const flagsText = copy.flags.map((f) => f.text.trim()).join(' ');
  const prefix = `COPY ${flagsText ? `${flagsText} ` : ''}`;
  const byFolder = new Map<string, string[]>();
  for (const file of reads.sort((a, b) => a.split('/').length - b.split('/').length)) {
    const folder = path.posix.dirname(file);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), file]);
  }
  const manifestCopies = [...byFolder].map(([folder, files]) => {
    const sources = files.map((file) => path.posix.join(where.installDir || '.', file));
    const target = path.posix.join(where.destination, where.installRelative, folder);
    const targetText = (target === '.' || target === '..' || target.startsWith('/') || target.startsWith('../') ? target : `./${target}`).replace(/\/?$/, '/');
    return `${prefix}${sources.join(' ')} ${targetText}`;
  });
  const originalCopy = doc.source.slice(copy.start, copy.end);
  const edits: TextEdit[] = [{ start: copy.start, end: copy.end, text: manifestCopies.join(doc.eol) }];
  if (installCount === chain.length) {
    edits.push({ start: run.end, end: run.end, text: `${doc.eol}${originalCopy}` });
  } else {
    const { offsets } = joinContinuationsWithOffsets(run.argsText, doc.escapeChar);
    const lastInstall = chain[installCount - 1]!;
    const firstRest = chain[installCount]!;
    const cutStart = run.argsStart + offsets[lastInstall.end - 1]! + 1;
    const cutEnd = run.argsStart + offsets[firstRest.start]!;
    const runFlags = run.flags.map((f) => f.text.trim()).join(' ');
    edits.push({ start: cutStart, end: cutEnd, text: `${doc.eol}${originalCopy}${doc.eol}RUN ${runFlags ? `${runFlags} ` : ''}` });
  }
  return edits;
}
