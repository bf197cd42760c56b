/**
 * yarn: `yarn install` and bare `yarn`, classic (1.x) and berry (2 and later).
 *
 * Which yarn runs is read from the context, never assumed: the release `yarnPath` in .yarnrc.yml
 * (or `yarn-path` in .yarnrc) points at (yarn 1.22 and berry both hand the command over to it),
 * else package.json's `packageManager: yarn@N` (run through corepack; yarn 1.22.21+ refuses such
 * a project instead of installing it), else classic, the yarn the node images ship. A .yarnrc.yml
 * that pins neither is ambiguous (yarn 1 would ignore `--immutable`): skipped.
 *
 * Classic reads package.json, yarn.lock, .yarnrc, .yarnrc.yml (for its yarnPath), .npmrc,
 * .yarnclean, the release it hands over to and every workspace member's package.json; it writes
 * node_modules (root and members) and .pnp.js.
 * It may rewrite yarn.lock unless given `--frozen-lockfile` or `--pure-lockfile`; it silently
 * ignores `--immutable` (yarnpkg/yarn#8684). Settings in .yarnrc/.yarnrc.yml do not count: the
 * environment can override them.
 *
 * Berry reads package.json, yarn.lock, .yarnrc.yml, the yarnPath release, every file under
 * .yarn/plugins and .yarn/patches, .env.yarn and the members' package.json; it writes
 * node_modules, .pnp.cjs, .pnp.loader.mjs, .pnp.data.json and, under .yarn, cache, unplugged,
 * __virtual__, install-state.gz and build-state.yml. Without `--immutable` (or `--frozen-lockfile`,
 * which berry maps to it or rejects) it may rewrite yarn.lock.
 *
 * Also skipped: lifecycle scripts (classic: preinstall … prepare; berry runs only preinstall,
 * install and postinstall) unless `--ignore-scripts` / `--mode=skip-build`; `file:`, `link:`,
 * `portal:` and `exec:` dependencies; a `patch:` whose patch file is outside .yarn/patches;
 * plugins other than the official `@yarnpkg/` ones (they run code during the install); settings
 * that move yarn's own files (cacheFolder, lockfileFilename, …) or read more (an offline mirror,
 * constraints checks); `yarn add`/`up`/`remove` and `yarn workspaces focus`.
 */
import path from 'node:path';
import { yamlScalar, yamlTopLevel, type YamlEntry } from './config-text.js';
import { LOCAL_SPEC, localDependencyReason, objectField, readPackageJson, scriptReason, sentFiles, workspaceMembers, type PackageJson } from './package-json.js';
import { parseWords, unreadable, type Ecosystem, type InstallDirectory, type InstallPlan } from './types.js';

const FLAGS = {
  boolean: [
    '--frozen-lockfile', '--pure-lockfile', '--immutable', '--immutable-cache', '--check-cache', '--ignore-scripts',
    '--production', '--prod', '--ignore-engines', '--ignore-optional', '--ignore-platform', '--non-interactive',
    '--silent', '-s', '--no-progress', '--prefer-offline', '--offline', '--check-files', '--verbose', '--json',
    '--inline-builds', '--skip-integrity-check', '--link-duplicates', '--no-bin-links', '--strict-semver', '--no-default-rc',
  ],
  valued: ['--network-timeout', '--network-concurrency', '--mode', '--cache-folder', '--registry'],
};

const CLASSIC_WRITES = ['node_modules', '.pnp.js'];
const BERRY_WRITES = [
  'node_modules', '.pnp.cjs', '.pnp.js', '.pnp.loader.mjs', '.pnp.data.json', '.yarn/cache', '.yarn/unplugged',
  '.yarn/__virtual__', '.yarn/install-state.gz', '.yarn/build-state.yml',
];
const BERRY_SCRIPTS = ['preinstall', 'install', 'postinstall'];
/** .yarnrc.yml settings that move the files yarn reads or writes. */
const BERRY_PATH_SETTINGS = [
  'cacheFolder', 'globalFolder', 'installStatePath', 'pnpDataPath', 'pnpUnpluggedFolder', 'virtualFolder',
  'lockfileFilename', 'httpsCaFilePath', 'httpsCertFilePath', 'httpsKeyFilePath', 'injectEnvironmentFiles',
];
/** .yarnrc settings of classic yarn that read or write folders of the project. */
const CLASSIC_PATH_SETTINGS = /^(--)?([\w-]+\.)?(yarn-offline-mirror|modules-folder|cache-folder|global-folder|link-folder|cwd|use-yarnrc)\b/;

interface Options {
  frozen: boolean;
  pure: boolean;
  immutable: boolean;
  ignoreScripts: boolean;
  skipBuild: boolean;
}

export const yarn: Ecosystem = {
  id: 'yarn',
  match(words) {
    if (words[0] !== 'yarn') return null;
    const { flags, positionals, unknown } = parseWords(words.slice(1), FLAGS);
    const verb = positionals[0];
    if (verb === 'add' || verb === 'up' || verb === 'upgrade' || verb === 'remove' || verb === 'dedupe') {
      return { skip: `\`yarn ${verb}\` rewrites package.json and yarn.lock, which the later COPY would overwrite` };
    }
    if (verb === 'workspaces' && positionals[1] === 'focus') return { skip: '`yarn workspaces focus` is not split yet' };
    if (verb !== undefined && verb !== 'install') return null;
    if (unknown.length > 0) return { skip: `yarn flag ${unknown[0]} is not known to be safe to split` };
    if (positionals.length > (verb === undefined ? 0 : 1)) return { skip: `\`yarn install\` takes no package arguments here (${positionals.at(-1)})` };
    const mode = flags.get('--mode')?.at(-1);
    if (mode !== undefined && mode !== 'skip-build') return { skip: `\`yarn install --mode=${mode}\` is not known to be safe to split` };
    const cacheFolder = flags.get('--cache-folder')?.at(-1);
    if (cacheFolder !== undefined && !cacheFolder.startsWith('/')) return { skip: `--cache-folder ${cacheFolder} puts yarn's cache inside the project` };
    const options: Options = {
      frozen: flags.has('--frozen-lockfile'),
      pure: flags.has('--pure-lockfile'),
      immutable: flags.has('--immutable'),
      ignoreScripts: flags.has('--ignore-scripts'),
      skipBuild: mode === 'skip-build',
    };
    return {
      ecosystem: 'yarn',
      display: words.join(' '),
      plan: (directory) => planYarnInstall(directory, options),
      ancestorFiles: ['package.json', 'yarn.lock', '.yarnrc', '.yarnrc.yml', '.npmrc'],
    };
  },
};

type Flavor = { kind: 'classic'; release: string | null } | { kind: 'berry'; release: string | null; yarnrc: Map<string, YamlEntry> };

function planYarnInstall(directory: InstallDirectory, options: Options): InstallPlan {
  const root = readPackageJson(directory, 'package.json');
  if (typeof root === 'string') return { skip: root };
  const flavor = detectFlavor(directory, root);
  if (typeof flavor === 'string') return { skip: flavor };
  if (!directory.isSent('yarn.lock')) return { skip: 'the build context has no yarn.lock, so yarn would resolve the dependencies and write one' };
  const members = workspaceMembers(directory, root.workspaces);
  if (typeof members === 'string') return { skip: members };
  return flavor.kind === 'classic' ? planClassic(directory, root, members, flavor.release, options) : planBerry(directory, root, members, flavor, options);
}

/** Which yarn runs in this folder, decided from the files that pin it. */
function detectFlavor(directory: InstallDirectory, root: PackageJson): Flavor | string {
  const pinned = typeof root.packageManager === 'string' ? root.packageManager : null;
  if (pinned !== null && !pinned.startsWith('yarn@')) return `package.json's packageManager is ${pinned}, not yarn`;
  const pinnedMajor = pinned ? Number(/^yarn@(\d+)/.exec(pinned)?.[1] ?? NaN) : null;
  const badRc = unreadable(directory, '.yarnrc') ?? unreadable(directory, '.yarnrc.yml') ?? unreadable(directory, '.npmrc');
  if (badRc) return badRc;
  const classicRc = directory.readText('.yarnrc');
  const classicPath = classicRc === null ? null : /^\s*yarn-path\s+"?([^"\s]+)"?\s*$/m.exec(classicRc)?.[1] ?? null;

  if (directory.isSent('.yarnrc.yml')) {
    const text = directory.readText('.yarnrc.yml');
    if (text === null) return '.yarnrc.yml cannot be read';
    const yarnrc = yamlTopLevel(text, '.yarnrc.yml');
    if (typeof yarnrc === 'string') return yarnrc;
    const yarnPathEntry = yarnrc.get('yarnPath');
    const yarnPath = yarnPathEntry ? yamlScalar(yarnPathEntry.value) : null;
    if (yarnPathEntry && yarnPath === null) return '.yarnrc.yml has a yarnPath dockeropt cannot read';
    if (classicPath && yarnPath) return 'both .yarnrc (yarn-path) and .yarnrc.yml (yarnPath) name a yarn release';
    const release = yarnPath ?? classicPath;
    const major = release ? releaseMajor(release) ?? pinnedMajor : pinnedMajor;
    if (major === null || Number.isNaN(major)) {
      return release
        ? `cannot tell which yarn ${release} is; name it yarn-<version>.cjs or pin packageManager in package.json`
        : '.yarnrc.yml is there but neither yarnPath nor package.json\'s packageManager says which yarn runs (yarn 1 ignores --immutable); pin one';
    }
    return major >= 2 ? { kind: 'berry', release, yarnrc } : { kind: 'classic', release };
  }
  if (classicPath) {
    const major = releaseMajor(classicPath) ?? pinnedMajor;
    if (major === null || Number.isNaN(major)) return `cannot tell which yarn ${classicPath} (yarn-path in .yarnrc) is`;
    return major >= 2 ? { kind: 'berry', release: classicPath, yarnrc: new Map() } : { kind: 'classic', release: classicPath };
  }
  if (pinnedMajor !== null) {
    if (Number.isNaN(pinnedMajor)) return `package.json's packageManager ${pinned} names no yarn version`;
    return pinnedMajor >= 2 ? { kind: 'berry', release: null, yarnrc: new Map() } : { kind: 'classic', release: null };
  }
  return { kind: 'classic', release: null };
}

/** The major version in a release file name such as `.yarn/releases/yarn-4.1.0.cjs`. */
function releaseMajor(release: string): number | null {
  const match = /(?:^|\/)yarn-(\d+)\.\d+\.\d+[^/]*\.c?js$/.exec(release);
  return match ? Number(match[1]) : null;
}

function planClassic(directory: InstallDirectory, root: PackageJson, members: string[], release: string | null, options: Options): InstallPlan {
  const yarnrc = directory.readText('.yarnrc') ?? '';
  if (!options.frozen && !options.pure) {
    return options.immutable
      ? { skip: 'yarn 1 ignores --immutable and may rewrite yarn.lock, which the later COPY would overwrite; use --frozen-lockfile' }
      : { skip: '`yarn install` may rewrite yarn.lock, which the later COPY would overwrite; add --frozen-lockfile' };
  }
  const setting = yarnrc.split(/\r?\n/).map((line) => line.trim()).find((line) => CLASSIC_PATH_SETTINGS.test(line));
  if (setting) return { skip: `.yarnrc sets \`${setting}\`, which makes yarn read or write other folders of the project` };
  const ignoreScripts = options.ignoreScripts;
  const manifests = ['package.json', ...members.map((member) => `${member}/package.json`)];
  for (const manifest of manifests) {
    const json = manifest === 'package.json' ? root : readPackageJson(directory, manifest);
    if (typeof json === 'string') return { skip: json };
    const reason = localDependencyReason(json, manifest, isLocalSpec)
      ?? (ignoreScripts ? null : scriptReason(json, manifest, directory, { runner: 'yarn', tool: 'yarn' }));
    if (reason) return { skip: reason };
  }
  const releaseRead = releaseFile(directory, release);
  if (releaseRead !== null && typeof releaseRead === 'object') return releaseRead;
  // .yarnrc.yml counts too: its yarnPath decides which yarn runs, even when that is a yarn 1.
  const reads = [...manifests, 'yarn.lock', ...sentFiles(directory, ['.yarnrc', '.yarnrc.yml', '.npmrc', '.yarnclean']), ...(releaseRead ? [releaseRead] : [])];
  return { reads, writes: [...CLASSIC_WRITES, ...members.map((member) => `${member}/node_modules`)] };
}

function planBerry(directory: InstallDirectory, root: PackageJson, members: string[], flavor: Extract<Flavor, { kind: 'berry' }>, options: Options): InstallPlan {
  const { yarnrc } = flavor;
  const setting = (name: string) => {
    const entry = yarnrc.get(name);
    return entry ? yamlScalar(entry.value) : null;
  };
  // enableImmutableInstalls in .yarnrc.yml is not enough: YARN_ENABLE_IMMUTABLE_INSTALLS overrides it.
  if (!options.immutable && !options.frozen) {
    return { skip: '`yarn install` may rewrite yarn.lock, which the later COPY would overwrite; add --immutable' };
  }
  for (const name of BERRY_PATH_SETTINGS) {
    if (!yarnrc.has(name)) continue;
    const value = setting(name);
    if ((name === 'cacheFolder' || name === 'globalFolder') && value !== null && value.startsWith('/')) continue;
    return { skip: `.yarnrc.yml sets ${name}, which moves files yarn reads or writes; dockeropt does not follow it yet` };
  }
  if (setting('enableConstraintsChecks') === 'true') return { skip: '.yarnrc.yml enables constraints checks, which run yarn.config.cjs during the install' };

  const plugins = pluginPaths(yarnrc.get('plugins'));
  if (typeof plugins === 'string') return { skip: plugins };
  const thirdParty = plugins.find((plugin) => !/^\.yarn\/plugins\/@yarnpkg\/plugin-[\w-]+\.c?js$/.test(plugin));
  if (thirdParty) return { skip: `the yarn plugin ${thirdParty} runs its own code during the install` };
  const missing = plugins.find((plugin) => !directory.isSent(plugin));
  if (missing) return { skip: `the yarn plugin ${missing} is not in the build context` };

  const manifests = ['package.json', ...members.map((member) => `${member}/package.json`)];
  for (const manifest of manifests) {
    const json = manifest === 'package.json' ? root : readPackageJson(directory, manifest);
    if (typeof json === 'string') return { skip: json };
    const reason = localDependencyReason(json, manifest, isLocalSpec)
      ?? patchReason(json, manifest)
      ?? (options.skipBuild ? null : scriptReason(json, manifest, directory, { runner: 'yarn', tool: 'yarn', hint: 'add --mode=skip-build if it does not', scripts: BERRY_SCRIPTS }));
    if (reason) return { skip: reason };
  }
  const releaseRead = releaseFile(directory, flavor.release);
  if (releaseRead !== null && typeof releaseRead === 'object') return releaseRead;
  const extra: string[] = [];
  for (const folder of ['.yarn/plugins', '.yarn/patches']) {
    const listing = directory.sentUnder(folder);
    if (listing === 'too-many') return { skip: `too many files under ${folder}` };
    extra.push(...listing);
  }
  const release = releaseRead ? [releaseRead] : [];
  const reads = [...new Set([...manifests, 'yarn.lock', ...sentFiles(directory, ['.yarnrc.yml', '.env.yarn']), ...release, ...extra])];
  return { reads, writes: [...BERRY_WRITES, ...members.map((member) => `${member}/node_modules`)] };
}

const isLocalSpec = (spec: string) => LOCAL_SPEC.test(spec) || spec.startsWith('exec:');

/** The release file yarn hands over to, checked to be in the context; a skip when it is not. */
function releaseFile(directory: InstallDirectory, release: string | null): string | null | { skip: string } {
  if (release === null) return null;
  const file = path.posix.normalize(release);
  if (file.startsWith('..') || file.startsWith('/')) return { skip: `the yarn release ${release} is outside the copied folder` };
  if (!directory.isSent(file)) return { skip: `the yarn release ${release} is not in the build context` };
  return file;
}

/** The plugin files .yarnrc.yml lists (`- path: …` items or plain strings). */
function pluginPaths(entry: YamlEntry | undefined): string[] | string {
  if (!entry) return [];
  if (entry.value !== '') return '.yarnrc.yml has a plugins list dockeropt cannot read';
  const paths: string[] = [];
  for (const line of entry.lines) {
    const item = /^\s+(?:-\s+)?(path|spec|checksum):\s+(.+)$/.exec(line);
    const plain = /^\s+-\s+([^:]+)$/.exec(line);
    const value = item ? yamlScalar(item[2]!) : plain ? yamlScalar(plain[1]!) : null;
    if (value === null) return '.yarnrc.yml has a plugins list dockeropt cannot read';
    if (!item || item[1] === 'path') paths.push(path.posix.normalize(value));
  }
  return paths;
}

/** A `patch:` dependency or resolution whose patch file dockeropt does not copy. */
function patchReason(json: PackageJson, manifest: string): string | null {
  const fields = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'resolutions'];
  for (const field of fields) {
    for (const [name, spec] of Object.entries(objectField(json, field) ?? {})) {
      if (typeof spec !== 'string' || !spec.includes('patch:')) continue;
      const hash = spec.lastIndexOf('#');
      if (hash < 0) return `${manifest} patches ${name} in a way dockeropt cannot read (${spec})`;
      let source = spec.slice(spec.indexOf('patch:') + 'patch:'.length, hash);
      let patchFile = spec.slice(hash + 1).split('::')[0]!;
      try {
        source = decodeURIComponent(source);
        patchFile = decodeURIComponent(patchFile);
      } catch {
        return `${manifest} patches ${name} in a way dockeropt cannot read (${spec})`;
      }
      if (/(^|@)(file:|link:|portal:|exec:|\.{1,2}\/)/.test(source)) return `${manifest} patches ${name} from a local path (${spec})`;
      for (const file of patchFile.split('&')) {
        const clean = file.replace(/^optional!/, '');
        if (clean.startsWith('~builtin<')) continue;
        const normalized = path.posix.normalize(clean.replace(/^~\//, ''));
        if (manifest !== 'package.json' || !normalized.startsWith('.yarn/patches/')) {
          return `${manifest} patches ${name} with ${clean}, outside .yarn/patches`;
        }
      }
    }
  }
  return null;
}
