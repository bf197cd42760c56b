/**
 * cache-mounts (opt-in): adds BuildKit cache mounts to package-manager steps.
 *
 *     RUN --mount=type=cache,target=/root/.npm npm ci
 *
 * Why: when a manifest changes, the install runs again from nothing and downloads every package
 * again. A cache mount keeps the package manager's download cache between builds on the same
 * builder (BuildKit, buildah), outside the image, so only what changed is fetched.
 *
 * Contract `identical-except-caches`: the mounted folders are package-manager caches and indexes
 * (the `cachePaths`); in the image they are left empty instead of holding that build's
 * downloads. Nothing else changes: the mount hides nothing the step reads from its own image,
 * and files later steps need stay in the layer:
 *   - a *pure* cache (npm, yarn, pip, go build cache, composer) is only ever a shortcut, so a
 *     step without the mount just downloads again;
 *   - a cache that later steps read as content (apt's lists, Go's module cache, cargo's registry,
 *     Maven's repository, pnpm's store, Bundler's gems cache) is mounted on every step of the
 *     stage that uses the tool, or on none: the family is skipped when another RUN of the stage
 *     (or of a stage built FROM it) could read the folder without the mount (it names the tool
 *     or the folder, or runs a script, `eval` or `source`), when a `COPY --from` takes files
 *     from it, when the stage is built FROM a stage of this file that used the tool (its files
 *     would be hidden), or, for apt, when an install would rely on package lists the base image
 *     shipped.
 * The mount paths assume the root user and the official images' settings (`/go/pkg/mod` on
 * `golang`, `/usr/local/cargo/registry` on `rust`, `/usr/local/bundle/cache` on `ruby`): the
 * stage is skipped for a family when it runs as another USER, sets a variable that moves the
 * cache (`npm_config_cache`, `PIP_CACHE_DIR`, `GOPATH`, `CARGO_HOME`, `HOME`, …), passes an
 * option that does (`--cache`, `--cache-dir`, `-Dmaven.repo.local`), or builds on another base.
 *
 * apt's lists are mounted with `sharing=locked` (apt locks them; no two apt steps run at once, so
 * the archives mount can stay shared: buildah up to 1.28 hangs after a RUN with two locked
 * mounts). Docker's docs also delete the
 * base image's `/etc/apt/apt.conf.d/docker-clean` hook so that downloaded .deb files stay in
 * the cache; that edits apt's configuration for every later use of the image, so this transform
 * does not do it: with the hook, the lists are still cached and the .deb files are not.
 *
 * Cleanups (option `onCleanup`): a step that empties or turns off the cache it would mount
 * (`rm -rf /var/lib/apt/lists/*`, `pip install --no-cache-dir`, `npm cache clean --force`)
 * conflicts with the mount. `"mount"` (default) drops that cleanup and mounts the cache: with
 * the mount the cleanup only emptied what no longer reaches the image, so the image is the same
 * and the cache survives. `"skip"` keeps the cleanup and leaves the step without a mount. A
 * cleanup that also removes other paths, or sits where it cannot be taken out (not an `&&` item
 * of the RUN, inside `sh -c`), is always kept, and the step is skipped. `ENV PIP_NO_CACHE_DIR`
 * is kept too (it applies to every pip step).
 *
 * Never adds a `# syntax=` line (it makes BuildKit fetch a frontend image, which breaks offline
 * builds; current Docker runs `RUN --mount` without it). A file whose `# syntax=` names a
 * frontend older than docker/dockerfile:1.2, or another frontend, is left alone, and so are
 * Windows stages, heredoc RUNs and RUNs under a non-POSIX SHELL.
 */
import path from 'node:path';
import type { Proposal, TextEdit, Transform } from '../engine/types.js';
import type { DockerfileModel, InstructionView, StageView } from '../model/dockerfile.js';
import { scriptOffsetMapper } from '../model/layout.js';
import { osPackageCommand } from '../model/os-packages.js';
import {
  argDeclarations,
  copiedFromStages,
  copyDestination,
  definedVariables,
  descendantStages,
  hiddenCode,
  isWithin,
  pathsOverlap,
  quoteRun,
  readRunCommands,
  runMounts,
  runShells,
  stageIndexByRef,
  type RunCommands,
} from '../model/run.js';
import { analyzeChain, analyzeCommandSpans } from '../model/shell.js';

interface Family {
  id: string;
  /** The cache's name in messages. */
  label: string;
  targets: string[];
  /** The targets mounted with `sharing=locked`. */
  locked?: string[];
  /** Later steps may read the files as content, not only as a shortcut. */
  content: boolean;
  /** The base images whose settings put the cache at `targets` (unset: any base, as root), and their name. */
  bases?: RegExp;
  baseName?: string;
  /** Variables (set by ENV or ARG) that move or turn off the cache. */
  movers: RegExp;
  /** Program names that count as a mention of the tool. */
  tools: string[];
  uses(words: string[]): boolean;
  /** An option that moves the cache elsewhere, if the command has one. */
  movedBy?(words: string[]): string | null;
  /** The index of a word that turns the cache off (`--no-cache-dir`), or -1. */
  disabler?(words: string[]): number;
  /** Whether the command only empties this cache (`npm cache clean`, `rm -rf /root/.npm`). */
  cleans(words: string[]): boolean;
}

const ROOT_HOME = '/root';

function subcommand(words: string[]): string {
  return words.slice(1).find((w) => !w.startsWith('-')) ?? '';
}

function named(words: string[], ...names: string[]): boolean {
  return names.includes(path.posix.basename(words[0] ?? ''));
}

function option(words: string[], ...names: string[]): string | null {
  return words.find((w) => names.some((n) => w === n || w.startsWith(`${n}=`))) ?? null;
}

/** The paths an `rm -r` removes or empties, with `~` and `$HOME` read as /root; null when it is no `rm -r`. */
function rmTargets(words: string[]): string[] | null {
  if (path.posix.basename(words[0] ?? '') !== 'rm') return null;
  const args = words.slice(1);
  if (!args.some((a) => /^-[a-zA-Z]*[rR]/.test(a) || a === '--recursive')) return null;
  return args
    .filter((a) => !a.startsWith('-'))
    .map((a) => a.replace(/^(~|\$HOME|\$\{HOME\})(?=\/|$)/, ROOT_HOME).replace(/\/\*$/, '').replace(/\/+$/, ''));
}

/** An `rm -r` whose every path lies inside one of the targets. */
function removesOnly(words: string[], targets: string[]): boolean {
  const removed = rmTargets(words);
  return removed !== null && removed.length > 0 && removed.every((p) => p.startsWith('/') && !/[*?[$]/.test(p) && targets.some((t) => isWithin(p, t)));
}

const PYTHON = /^python(3(\.\d+)?)?$/;

function pipArgs(words: string[]): string[] | null {
  const base = path.posix.basename(words[0] ?? '');
  if (/^pip(3(\.\d+)?)?$/.test(base)) return words;
  if (PYTHON.test(base)) {
    const m = words.indexOf('-m');
    if (m > 0 && words[m + 1] === 'pip') return words.slice(m + 1);
  }
  return null;
}

const FAMILIES: Family[] = [
  {
    id: 'npm',
    label: 'npm cache',
    targets: ['/root/.npm'],
    content: false,
    movers: /^(npm_config_cache|NPM_CONFIG_CACHE|HOME)$/,
    tools: ['npm', 'npx'],
    uses: (w) => named(w, 'npx') || (named(w, 'npm') && ['ci', 'install', 'i', 'in', 'add', 'isntall', 'update', 'up', 'upgrade', 'exec', 'x', 'rebuild', 'dedupe'].includes(subcommand(w))),
    movedBy: (w) => (named(w, 'npm', 'npx') ? option(w, '--cache') : null),
    cleans: (w) => (named(w, 'npm') && subcommand(w) === 'cache' && ['clean', 'clear', 'rm'].includes(w[w.indexOf('cache') + 1] ?? '')) || removesOnly(w, ['/root/.npm']),
  },
  {
    id: 'yarn',
    label: 'yarn cache',
    targets: ['/usr/local/share/.cache/yarn'],
    content: false,
    movers: /^(YARN_CACHE_FOLDER|XDG_CACHE_HOME|HOME)$/,
    tools: ['yarn'],
    uses: (w) => named(w, 'yarn') && ['', 'install', 'add', 'upgrade'].includes(subcommand(w)),
    movedBy: (w) => (named(w, 'yarn') ? option(w, '--cache-folder') : null),
    cleans: (w) => (named(w, 'yarn') && subcommand(w) === 'cache' && w.includes('clean')) || removesOnly(w, ['/usr/local/share/.cache/yarn']),
  },
  {
    id: 'pnpm',
    label: 'pnpm store',
    targets: ['/root/.local/share/pnpm/store'],
    content: true,
    movers: /^(PNPM_HOME|PNPM_STORE_DIR|npm_config_store_dir|NPM_CONFIG_STORE_DIR|XDG_DATA_HOME|HOME)$/,
    tools: ['pnpm'],
    uses: (w) => named(w, 'pnpm') && ['install', 'i', 'add', 'fetch', 'update', 'up'].includes(subcommand(w)),
    movedBy: (w) => (named(w, 'pnpm') ? option(w, '--store-dir', '--virtual-store-dir') : null),
    cleans: (w) => (named(w, 'pnpm') && subcommand(w) === 'store' && w.includes('prune')) || removesOnly(w, ['/root/.local/share/pnpm/store']),
  },
  {
    id: 'pip',
    label: 'pip cache',
    targets: ['/root/.cache/pip'],
    content: false,
    movers: /^(PIP_CACHE_DIR|PIP_NO_CACHE_DIR|XDG_CACHE_HOME|HOME)$/,
    tools: ['pip', 'pip3'],
    uses: (w) => ['install', 'wheel', 'download'].includes(subcommand(pipArgs(w) ?? [])),
    movedBy: (w) => (pipArgs(w) ? option(w, '--cache-dir') : null),
    disabler: (w) => (pipArgs(w) ? w.indexOf('--no-cache-dir') : -1),
    cleans: (w) => (pipArgs(w) !== null && subcommand(pipArgs(w)!) === 'cache' && w.some((x) => x === 'purge' || x === 'remove')) || removesOnly(w, ['/root/.cache/pip']),
  },
  {
    id: 'go-build',
    label: 'Go build cache',
    targets: ['/root/.cache/go-build'],
    content: false,
    movers: /^(GOCACHE|XDG_CACHE_HOME|HOME)$/,
    tools: ['go'],
    uses: (w) => named(w, 'go') && ['build', 'install', 'test', 'vet', 'run'].includes(subcommand(w)),
    cleans: (w) => (named(w, 'go') && subcommand(w) === 'clean' && w.includes('-cache')) || removesOnly(w, ['/root/.cache/go-build']),
  },
  {
    id: 'go-mod',
    label: 'Go module cache',
    targets: ['/go/pkg/mod'],
    content: true,
    bases: /^(docker\.io\/)?(library\/)?golang(:|@|$)/,
    baseName: 'golang',
    movers: /^(GOPATH|GOMODCACHE)$/,
    tools: ['go'],
    uses: (w) => named(w, 'go') && ['build', 'install', 'test', 'vet', 'run', 'generate', 'get', 'list', 'mod'].includes(subcommand(w)),
    cleans: (w) => (named(w, 'go') && subcommand(w) === 'clean' && w.includes('-modcache')) || removesOnly(w, ['/go/pkg/mod']),
  },
  {
    id: 'apt',
    label: 'apt cache and lists',
    targets: ['/var/cache/apt', '/var/lib/apt/lists'],
    // One locked mount per RUN: buildah up to 1.28 leaks the lock of all but one locked mount of a
    // RUN and hangs on the next RUN that takes it. Holding the lists' lock, no other apt step can
    // run, so the archives are never used by two steps at once either.
    locked: ['/var/lib/apt/lists'],
    content: true,
    movers: /^(APT_CONFIG)$/,
    tools: ['apt-get', 'apt', 'aptitude', 'apt-cache'],
    uses: (w) => {
      const command = osPackageCommand(w);
      return command?.manager === 'apt' && ['update', 'install', 'query'].includes(command.action);
    },
    cleans: (w) => {
      const command = osPackageCommand(w);
      return (command?.manager === 'apt' && command.action === 'clean') || removesOnly(w, ['/var/cache/apt', '/var/lib/apt/lists']);
    },
  },
  {
    id: 'cargo',
    label: 'cargo registry',
    targets: ['/usr/local/cargo/registry'],
    content: true,
    bases: /^(docker\.io\/)?(library\/)?rust(:|@|$)/,
    baseName: 'rust',
    movers: /^(CARGO_HOME|HOME)$/,
    tools: ['cargo'],
    uses: (w) => named(w, 'cargo') && ['build', 'b', 'fetch', 'install', 'run', 'r', 'test', 't', 'check', 'c', 'update', 'vendor', 'doc', 'bench', 'clippy', 'generate-lockfile'].includes(subcommand(w)),
    cleans: (w) => removesOnly(w, ['/usr/local/cargo/registry']),
  },
  {
    id: 'maven',
    label: 'Maven repository',
    targets: ['/root/.m2/repository'],
    content: true,
    movers: /^(MAVEN_CONFIG|HOME)$/,
    tools: ['mvn', 'mvnw'],
    uses: (w) => named(w, 'mvn', 'mvnw'),
    movedBy: (w) => (named(w, 'mvn', 'mvnw') ? (w.find((x) => x.startsWith('-Dmaven.repo.local')) ?? null) : null),
    cleans: (w) => (named(w, 'mvn', 'mvnw') && w.some((x) => x.includes('purge-local-repository'))) || removesOnly(w, ['/root/.m2/repository']),
  },
  {
    id: 'bundler',
    label: 'Bundler gem cache',
    targets: ['/usr/local/bundle/cache'],
    content: true,
    bases: /^(docker\.io\/)?(library\/)?ruby(:|@|$)/,
    baseName: 'ruby',
    movers: /^(GEM_HOME|BUNDLE_PATH|BUNDLE_DEPLOYMENT|BUNDLE_APP_CONFIG|BUNDLE_CACHE_PATH|BUNDLE_CACHE_ALL)$/,
    tools: ['bundle', 'gem'],
    uses: (w) => (named(w, 'bundle') && ['', 'install'].includes(subcommand(w))) || (named(w, 'gem') && subcommand(w) === 'install'),
    movedBy: (w) => (named(w, 'bundle') ? (option(w, '--path', '--deployment') ?? (subcommand(w) === 'config' ? 'bundle config' : null)) : null),
    cleans: (w) => removesOnly(w, ['/usr/local/bundle/cache']),
  },
  {
    id: 'composer',
    label: 'Composer cache',
    targets: ['/root/.cache/composer'],
    content: false,
    movers: /^(COMPOSER_HOME|COMPOSER_CACHE_DIR|XDG_CACHE_HOME|HOME)$/,
    tools: ['composer'],
    uses: (w) => named(w, 'composer') && ['install', 'i', 'update', 'u', 'upgrade', 'require', 'r'].includes(subcommand(w)),
    cleans: (w) => (named(w, 'composer') && ['clear-cache', 'clearcache', 'cc'].includes(subcommand(w))) || removesOnly(w, ['/root/.cache/composer']),
  },
];

/** Bases whose own settings move a family's cache (the composer image sets COMPOSER_HOME=/tmp). */
const OTHER_SETTINGS: Record<string, RegExp> = { composer: /^(docker\.io\/)?(library\/)?composer(:|@|$)/ };

const WINDOWS_BASE = /windows|servercore|nanoserver/i;
/** Programs that run build recipes this file does not show (a Makefile typically runs `go build`). */
const BUILD_RUNNERS = new Set(['make', 'gmake', 'just', 'task', 'mage', 'ninja', 'cmake', 'bazel', 'bazelisk', 'earthly', 'scons']);
const ROOT_USER = /^(root|0)(:(root|0))?$/;
const INDENT = '    ';

type OnCleanup = 'mount' | 'skip';

export const cacheMounts: Transform = {
  id: 'cache-mounts',
  title: 'Mount package-manager caches (BuildKit)',
  contract: 'identical-except-caches',
  enabledByDefault: false,
  priority: 16,
  options: { onCleanup: 'string' },
  cachePaths: [...new Set(FAMILIES.flatMap((f) => f.targets))],
  run(doc, ctx) {
    const setting = ctx.options['onCleanup'] ?? 'mount';
    const first = doc.instructions[0];
    const whole = { start: first?.start ?? 0, end: first?.end ?? 0 };
    if (setting !== 'mount' && setting !== 'skip') {
      return [{ ...whole, message: 'cache-mounts did nothing', reason: `its option onCleanup must be "mount" or "skip", not ${JSON.stringify(setting)}` }];
    }
    const syntax = doc.directives.find((d) => d.name === 'syntax');
    if (syntax && !supportsCacheMounts(syntax.value)) {
      return [{ ...whole, message: 'No cache mounts are added', reason: `the file's # syntax=${syntax.value} is not a Dockerfile frontend known to run RUN --mount=type=cache (docker/dockerfile:1.2 or later)` }];
    }
    return new Planner(doc, setting).plan();
  },
};

function supportsCacheMounts(value: string): boolean {
  const m = /^(?:docker\.io\/)?docker\/dockerfile(?:-upstream)?:(\d+|latest|labs|experimental)(?:\.(\d+))?(?:\.\d+)?(-labs|-experimental)?(?:@sha256:[0-9a-f]+)?$/.exec(value.trim());
  if (!m) return false;
  if (!/^\d+$/.test(m[1]!)) return true;
  const major = Number(m[1]);
  return major > 1 || (major === 1 && (m[2] === undefined || Number(m[2]) >= 2 || m[3] === '-experimental'));
}

interface StepPlan {
  run: InstructionView;
  families: Family[];
  /** `--mount=…` flags to add. */
  flags: string[];
  edits: TextEdit[];
  notes: string[];
}

class Planner {
  private readonly shells: Map<InstructionView, string[] | null>;
  private readonly views = new Map<InstructionView, RunCommands>();
  private readonly proposals: Proposal[] = [];
  private readonly steps = new Map<InstructionView, StepPlan>();

  constructor(
    private readonly doc: DockerfileModel,
    private readonly onCleanup: OnCleanup,
  ) {
    this.shells = runShells(doc);
  }

  plan(): Proposal[] {
    for (const stage of this.doc.stages) this.planStage(stage);
    for (const step of this.steps.values()) {
      if (step.families.length === 0) continue;
      this.proposals.push(this.proposal(step));
    }
    return this.proposals.sort((a, b) => a.start - b.start);
  }

  private view(run: InstructionView): RunCommands {
    let found = this.views.get(run);
    if (!found) this.views.set(run, (found = readRunCommands(run, this.shells.get(run) ?? null)));
    return found;
  }

  private skip(run: InstructionView, family: Family, reason: string): void {
    this.proposals.push({ message: `No cache mount for the ${family.label} in ${quoteRun(run)}`, reason, start: run.start, end: run.end });
  }

  /** The stage, then the stages it is built FROM, up to the image. */
  private lineage(stage: StageView): StageView[] {
    const chain = [stage];
    for (let current = stage; ; ) {
      const parent = stageIndexByRef(this.doc, current.base, current.index);
      if (parent === null) return chain;
      current = this.doc.stages[parent]!;
      chain.push(current);
    }
  }

  private planStage(stage: StageView): void {
    const lineage = this.lineage(stage);
    const image = lineage.at(-1)!.base;
    if (WINDOWS_BASE.test(image)) return;
    const variables = new Map<string, string>();
    for (const s of [...lineage].reverse()) {
      for (const instruction of s.instructions) {
        if (instruction.keyword === 'ENV') for (const name of definedVariables(instruction)) variables.set(name, instruction.args);
        if (instruction.keyword === 'ARG') for (const d of argDeclarations(instruction)) variables.set(d.name, instruction.args);
      }
    }
    const runs = stage.instructions.filter((i) => i.keyword === 'RUN');
    const users = this.usersAt(stage, lineage);

    for (const family of FAMILIES) {
      const using = runs.filter((run) => {
        const view = this.view(run);
        return view.opaque ? false : view.commands.some((w) => family.uses(w));
      });
      if (using.length === 0) continue;
      const stageReason = this.stageReason(lineage, image, family, variables, using);
      if (stageReason) {
        this.skip(using[0]!, family, stageReason);
        continue;
      }
      const planned: { run: InstructionView; flags: string[]; edits: TextEdit[]; notes: string[] }[] = [];
      let blocked: { run: InstructionView; reason: string } | null = null;
      for (const run of using) {
        const user = users.get(run);
        const result = user && !ROOT_USER.test(user) ? { reason: `it runs as USER ${user}, whose cache is not under /root and cannot write a root-owned mount` } : this.stepFor(run, family);
        if ('reason' in result) {
          blocked ??= { run, reason: result.reason };
          if (!family.content) this.skip(run, family, result.reason);
          continue;
        }
        planned.push({ run, ...result });
      }
      const why =
        family.content && blocked
          ? `${quoteRun(blocked.run)} cannot have it (${blocked.reason}); the ${family.label} is read as content, so it is mounted on every step of the stage that uses ${family.tools[0]} or on none`
          : this.readersReason(stage, family, using);
      if (why) {
        this.skip(family.content && blocked ? blocked.run : using[0]!, family, why);
        continue;
      }
      for (const { run, flags, edits, notes } of planned) {
        if (flags.length === 0 && edits.length === 0) continue;
        const step = this.steps.get(run) ?? { run, families: [], flags: [], edits: [], notes: [] };
        this.steps.set(run, step);
        step.families.push(family);
        step.flags.push(...flags);
        step.edits.push(...edits);
        step.notes.push(...notes);
      }
    }
  }

  /** The USER each RUN runs as (undefined: the base image's, taken to be root). */
  private usersAt(stage: StageView, lineage: StageView[]): Map<InstructionView, string | undefined> {
    let user: string | undefined;
    for (const s of lineage.slice(1).reverse()) {
      for (const instruction of s.instructions) if (instruction.keyword === 'USER') user = instruction.args.trim();
    }
    const result = new Map<InstructionView, string | undefined>();
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'USER') user = instruction.args.trim();
      if (instruction.keyword === 'RUN') result.set(instruction, user);
    }
    return result;
  }

  /** Why the family is not mounted anywhere in this stage, or null. */
  private stageReason(lineage: StageView[], image: string, family: Family, variables: Map<string, string>, using: InstructionView[]): string | null {
    if (family.bases && !family.bases.test(image)) {
      return `the stage builds on ${image}, not an image whose ${family.label} location is known (the official ${family.baseName} image keeps it in ${family.targets.join(', ')})`;
    }
    const other = OTHER_SETTINGS[family.id];
    if (other?.test(image)) return `the ${image} image moves the ${family.label} with its own settings`;
    for (const [name, value] of variables) {
      if (family.movers.test(name)) return `the stage sets ${name}, which moves or turns off the ${family.label}`;
      if (family.id === 'maven' && name === 'MAVEN_OPTS' && value.includes('maven.repo.local')) return `MAVEN_OPTS sets maven.repo.local, which moves the ${family.label}`;
    }
    if (family.content) {
      const earlier = lineage.slice(1).find((s) => s.instructions.some((i) => i.keyword === 'RUN' && this.mentions(i, family)));
      if (earlier) return `the stage is built FROM ${earlier.name ?? `stage ${earlier.index}`}, which used ${family.tools[0]}; the mount would hide the files it left in ${family.targets.join(' and ')}`;
      if (family.id === 'apt') {
        const reliance = this.aptReliesOnBase(using);
        if (reliance) return reliance;
      }
    }
    return null;
  }

  /** apt: an install before any update in the stage reads lists the base image shipped, which the mount would hide. */
  private aptReliesOnBase(using: InstructionView[]): string | null {
    for (const run of using) {
      for (const words of this.view(run).commands) {
        const command = osPackageCommand(words);
        if (command?.manager !== 'apt') continue;
        if (command.action === 'update') return null;
        if (command.action === 'install' || command.action === 'query') {
          return `${quoteRun(run)} installs before any apt-get update in the stage, so it relies on package lists from the base image, which the mount would hide`;
        }
      }
    }
    return null;
  }

  /** Whether a RUN could read the family's folders: it names the tool or a folder, or runs code this file does not show. */
  private mentions(run: InstructionView, family: Family): boolean {
    const view = this.view(run);
    const text = run.argsText;
    if (family.targets.some((t) => text.includes(t))) return true;
    const words = new Set(text.split(/[^\w.+-]+/));
    if (family.tools.some((t) => words.has(t))) return true;
    if (view.opaque) return false;
    return view.commands.some((w) => hiddenCode(w) !== null || BUILD_RUNNERS.has(path.posix.basename(w[0] ?? '')));
  }

  /** Whether a RUN's text names one of the family's folders (also as `~/…` or `$HOME/…`). */
  private mentionsPath(instruction: InstructionView, family: Family): boolean {
    const text = instruction.argsText;
    return family.targets.some((t) => {
      const forms = [t];
      if (t.startsWith(`${ROOT_HOME}/`)) {
        const rest = t.slice(ROOT_HOME.length);
        forms.push(`~${rest}`, `$HOME${rest}`, `\${HOME}${rest}`);
      }
      return forms.some((f) => text.includes(f));
    });
  }

  /**
   * Why other steps would miss the files the mount keeps out of the layer (or hides), or null:
   * a step that names the folder; a COPY/ADD into it; a COPY --from or RUN --mount=from of this
   * stage that reaches it; and for a content family any step that may run the tool without the
   * mount after the first mounted one.
   */
  private readersReason(stage: StageView, family: Family, using: InstructionView[]): string | null {
    const mounted = new Set(using);
    const firstIndex = stage.instructions.indexOf(using[0]!);
    const folders = family.targets.join(' or ');
    for (const [index, instruction] of stage.instructions.entries()) {
      if (mounted.has(instruction)) continue;
      if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') {
        const destination = copyDestination(instruction);
        if (destination !== null && destination.startsWith('/') && family.targets.some((t) => pathsOverlap(destination, t))) {
          return `\`${instruction.keyword} … ${destination}\` puts files where the mount would hide them`;
        }
      }
      if (instruction.keyword === 'ONBUILD' && family.content && family.tools.some((t) => instruction.args.includes(t))) {
        return `\`ONBUILD ${instruction.args.trim().slice(0, 40)}\` would run ${family.tools[0]} without the mount in images built from this one`;
      }
      if (instruction.keyword !== 'RUN') continue;
      if (this.mentionsPath(instruction, family)) return `${quoteRun(instruction)} names ${folders}, which the mount keeps out of the layers`;
      if (family.content && index > firstIndex && this.mentions(instruction, family)) {
        return `${quoteRun(instruction)} may read ${folders} without the mount (it names ${family.tools[0]}, or runs code this file does not show)`;
      }
    }
    for (const index of descendantStages(this.doc, stage.index)) {
      const run = this.doc.stages[index]!.instructions.find(
        (i) => i.keyword === 'RUN' && (this.mentionsPath(i, family) || (family.content && this.mentions(i, family))),
      );
      if (run) return `${quoteRun(run)} in a stage built FROM this one may read ${folders}, which would be empty`;
    }
    const stages = new Set([stage.index, ...descendantStages(this.doc, stage.index)]);
    for (const target of family.targets) {
      const copied = copiedFromStages(this.doc, stages, target);
      if (copied) return `${copied}, which may include ${target}`;
    }
    return null;
  }

  /** The edits that give one RUN this family's mounts (cleanups taken out), or why it cannot have them. */
  private stepFor(run: InstructionView, family: Family): { flags: string[]; edits: TextEdit[]; notes: string[] } | { reason: string } {
    const view = this.view(run);
    if (view.opaque) return { reason: view.opaque };
    const mounts = runMounts(run);
    for (const target of family.targets) {
      const clash = mounts.find((m) => m.target !== null && pathsOverlap(m.target, target) && !(m.type === 'cache' && isWithin(m.target, target) && isWithin(target, m.target)));
      if (clash) return { reason: `${clash.text} already covers ${target}` };
    }
    const present = new Set(mounts.filter((m) => m.type === 'cache' && m.target !== null).map((m) => path.posix.normalize(m.target!).replace(/\/$/, '')));
    const missing = family.targets.filter((t) => !present.has(t));
    for (const words of view.commands) {
      const moved = family.movedBy?.(words);
      if (moved) return { reason: `\`${words.slice(0, 3).join(' ')}\` moves the ${family.label} with ${moved}` };
    }
    const touches = (w: string[]) => (rmTargets(w) ?? []).some((p) => family.targets.some((t) => isWithin(p, t)));
    const conflicts = view.commands.filter((w) => family.cleans(w) || touches(w) || (family.disabler?.(w) ?? -1) >= 0);
    if (missing.length === 0 && conflicts.length === 0) return { flags: [], edits: [], notes: [] };
    if (conflicts.length > 0 && this.onCleanup === 'skip') {
      return { reason: `\`${conflicts[0]!.join(' ')}\` empties or turns off the ${family.label}, and the option onCleanup is "skip"` };
    }
    const edits: TextEdit[] = [];
    const notes: string[] = [];
    for (const words of conflicts) {
      const disabler = family.disabler?.(words) ?? -1;
      const removal = family.cleans(words)
        ? this.removeChainItem(run, words)
        : disabler >= 0
          ? this.removeWord(run, words, disabler)
          : null;
      if (!removal) return { reason: `\`${words.join(' ')}\` empties or turns off the ${family.label} and cannot be taken out of the RUN on its own` };
      edits.push(removal);
      notes.push(
        disabler >= 0
          ? `${words[disabler]} is dropped from \`${words.slice(0, 3).join(' ')}\`: with the mount the cache no longer reaches the image`
          : `\`${words.join(' ')}\` is dropped: with the mount it would only empty the cache, which no longer reaches the image`,
      );
    }
    return { flags: missing.map((t) => mountFlag(t, family)), edits, notes };
  }

  /** Removes one `&&` item of a plain chain (with its `&&`), or null. */
  private removeChainItem(run: InstructionView, words: string[]): TextEdit | null {
    const chain = analyzeChain(run.args);
    if (!chain || chain.length < 2) return null;
    const index = chain.findIndex((item) => item.words !== null && item.words.join('\u0000') === words.join('\u0000'));
    if (index < 0) return null;
    const toSource = scriptOffsetMapper(this.doc, run);
    if (index === 0) return { start: toSource(chain[0]!.start), end: toSource(chain[1]!.start), text: '' };
    return { start: toSource(chain[index - 1]!.end - 1) + 1, end: toSource(chain[index]!.end - 1) + 1, text: '' };
  }

  /** Removes one word (and the blank before it) of a top-level command, or null. */
  private removeWord(run: InstructionView, words: string[], wordIndex: number): TextEdit | null {
    const spans = analyzeCommandSpans(run.args).find((c) => c.map((w) => w.text).join('\u0000') === words.join('\u0000'));
    if (!spans || wordIndex < 1) return null;
    const toSource = scriptOffsetMapper(this.doc, run);
    return { start: toSource(spans[wordIndex - 1]!.end - 1) + 1, end: toSource(spans[wordIndex]!.end - 1) + 1, text: '' };
  }

  private proposal(step: StepPlan): Proposal {
    const { run, flags } = step;
    // Two families may take out the same cleanup (`go clean -cache -modcache`): once is enough.
    const edits = step.edits.filter((e, i) => step.edits.findIndex((o) => o.start === e.start && o.end === e.end) === i).map((e) => ({ ...e }));
    if (flags.length > 0) {
      const text = flags.length === 1 ? `${flags[0]} ` : flags.map((f) => `${f} ${this.doc.escapeChar}${this.doc.eol}${INDENT}`).join('');
      // A removal starting where the flags go takes them as its replacement text.
      const sameStart = edits.find((e) => e.start === run.argsStart);
      if (sameStart) sameStart.text = text + sameStart.text;
      else edits.push({ start: run.argsStart, end: run.argsStart, text });
    }
    const labels = step.families.map((f) => `${f.label} (${f.targets.join(', ')})`).join(' and ');
    return {
      message: `Mount the ${labels} in ${quoteRun(run)}`,
      reason: `A cache mount keeps downloads between builds on the same builder (BuildKit or buildah), so a changed manifest fetches only what changed; the cache stays out of the image${step.notes.length ? `. ${[...new Set(step.notes)].join('; ')}` : ''}`,
      start: run.start,
      end: run.end,
      edits,
    };
  }
}

function mountFlag(target: string, family: Family): string {
  return `--mount=type=cache,target=${target}${family.locked?.includes(target) ? ',sharing=locked' : ''}`;
}
