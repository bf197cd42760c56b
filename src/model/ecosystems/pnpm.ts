/**
 * pnpm: `pnpm install --frozen-lockfile` (also `pnpm i`) and `pnpm fetch`.
 *
 * `pnpm install` reads package.json, pnpm-lock.yaml, pnpm-workspace.yaml (its `packages:` globs
 * name the members, whose package.json it reads too), .npmrc, .pnpmfile.cjs/.mjs, and the patch
 * files named by `pnpm.patchedDependencies` (package.json) or `patchedDependencies`
 * (pnpm-workspace.yaml). It writes node_modules at the root and in every member. Without
 * `--frozen-lockfile` it may rewrite pnpm-lock.yaml (pnpm is frozen by default only in CI, which a
 * Dockerfile cannot rely on, and .npmrc settings can be overridden by the environment): skipped.
 *
 * `pnpm fetch` reads pnpm-lock.yaml, .npmrc, pnpm-workspace.yaml, .pnpmfile.cjs/.mjs and
 * package.json (only for its `packageManager` and `pnpm` settings, which choose the pnpm version
 * and its config); it fills the store (outside the folder) and may create node_modules of the
 * lockfile's importers.
 *
 * Also skipped: lifecycle scripts of the root or a member (unless `--ignore-scripts`), `file:` and
 * `link:` dependencies or overrides, injected workspace dependencies (pnpm hard-links the
 * member's files), a pnpmfile that may read files (it requires fs, child_process or a relative
 * module), negated or `**` workspace globs, and settings that move node_modules, the virtual store,
 * the store or the lockfile into other folders.
 */
import path from 'node:path';
import { yamlList, yamlMap, yamlScalar, yamlTopLevel, type YamlEntry } from './config-text.js';
import { expandWorkspaces, localDependencyReason, objectField, readPackageJson, scriptReason, sentFiles, type PackageJson } from './package-json.js';
import { parseWords, unreadable, type Ecosystem, type InstallDirectory, type InstallPlan } from './types.js';

const INSTALL_FLAGS = {
  boolean: [
    '--frozen-lockfile', '--no-frozen-lockfile', '--prefer-frozen-lockfile', '--prod', '-P', '--production', '--dev', '-D',
    '--no-optional', '--ignore-scripts', '--offline', '--prefer-offline', '--silent', '-s', '--shamefully-hoist',
    '--strict-peer-dependencies', '--ignore-pnpmfile', '-r', '--recursive', '--ignore-workspace', '--aggregate-output',
    '--workspace-root', '-w', '--force', '--no-color', '--color',
  ],
  valued: ['--reporter', '--loglevel', '--filter', '-F', '--child-concurrency', '--network-concurrency', '--store-dir', '--node-linker', '--package-import-method'],
};
const FETCH_FLAGS = {
  boolean: ['--prod', '-P', '--dev', '-D', '--offline', '--prefer-offline', '--silent', '-s', '--ignore-pnpmfile', '--no-color'],
  valued: ['--reporter', '--loglevel', '--store-dir', '--network-concurrency'],
};
/** pnpm settings (.npmrc spelling / pnpm-workspace.yaml spelling) that move what pnpm reads or writes. */
const PATH_SETTINGS = [
  ['modules-dir', 'modulesDir'], ['virtual-store-dir', 'virtualStoreDir'], ['lockfile-dir', 'lockfileDir'],
  ['pnpmfile', 'pnpmfile'], ['global-pnpmfile', 'globalPnpmfile'], ['shared-workspace-lockfile', 'sharedWorkspaceLockfile'],
  ['lockfile', 'lockfile'], ['store-dir', 'storeDir'], ['global-dir', 'globalDir'], ['cache-dir', 'cacheDir'], ['state-dir', 'stateDir'],
] as const;
const PNPMFILES = ['.pnpmfile.cjs', '.pnpmfile.mjs'];
/** Modules through which a pnpmfile could read project files. */
const FILE_MODULES = /^(node:)?(fs|fs\/promises|child_process|module|vm|worker_threads|process)$/;

export const pnpm: Ecosystem = {
  id: 'pnpm',
  match(words) {
    if (words[0] !== 'pnpm') return null;
    const verb = parseWords(words.slice(1), INSTALL_FLAGS).positionals[0];
    if (verb === 'add' || verb === 'update' || verb === 'up' || verb === 'remove' || verb === 'rm' || verb === 'import') {
      return { skip: `\`pnpm ${verb}\` rewrites package.json and pnpm-lock.yaml, which the later COPY would overwrite` };
    }
    const fetch = verb === 'fetch';
    if (!fetch && verb !== 'install' && verb !== 'i') return null;
    const { flags, positionals, unknown } = parseWords(words.slice(1), fetch ? FETCH_FLAGS : INSTALL_FLAGS);
    if (unknown.length > 0) return { skip: `pnpm flag ${unknown[0]} is not known to be safe to split` };
    if (positionals.length > 1) return { skip: `\`pnpm ${verb} ${positionals[1]}\` adds a package, which rewrites package.json and pnpm-lock.yaml` };
    const storeDir = flags.get('--store-dir')?.at(-1);
    if (storeDir !== undefined && !storeDir.startsWith('/')) return { skip: `--store-dir ${storeDir} puts pnpm's store inside the project` };
    const ignorePnpmfile = flags.has('--ignore-pnpmfile');
    if (!fetch && (!flags.has('--frozen-lockfile') || flags.has('--no-frozen-lockfile'))) {
      return { skip: `\`pnpm ${verb}\` may rewrite pnpm-lock.yaml, which the later COPY would overwrite; add --frozen-lockfile (pnpm is frozen by default only in CI)` };
    }
    const ignoreScripts = flags.has('--ignore-scripts');
    return {
      ecosystem: 'pnpm',
      display: words.join(' '),
      plan: (directory) => (fetch ? planFetch(directory, ignorePnpmfile) : planInstall(directory, ignoreScripts, ignorePnpmfile)),
      ancestorFiles: ['pnpm-workspace.yaml', '.npmrc'],
    };
  },
};

interface PnpmConfig {
  workspace: Map<string, YamlEntry> | null;
  npmrc: Map<string, string>;
  reads: string[];
}

/** pnpm-workspace.yaml, .npmrc and the pnpmfile: read, checked, and listed as reads. */
function readConfig(directory: InstallDirectory, ignorePnpmfile: boolean): PnpmConfig | string {
  let workspace: Map<string, YamlEntry> | null = null;
  if (directory.isSent('pnpm-workspace.yaml')) {
    const text = directory.readText('pnpm-workspace.yaml');
    if (text === null) return 'pnpm-workspace.yaml cannot be read';
    const parsed = yamlTopLevel(text, 'pnpm-workspace.yaml');
    if (typeof parsed === 'string') return parsed;
    workspace = parsed;
  }
  const badNpmrc = unreadable(directory, '.npmrc');
  if (badNpmrc) return badNpmrc;
  const npmrc = new Map<string, string>();
  for (const line of (directory.readText('.npmrc') ?? '').split(/\r?\n/)) {
    const match = /^\s*([^#;=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) npmrc.set(match[1]!, match[2]!);
  }
  for (const [rcName, yamlName] of PATH_SETTINGS) {
    const value = npmrc.get(rcName) ?? (workspace?.has(yamlName) ? yamlScalar(workspace.get(yamlName)!.value) ?? '?' : undefined);
    if (value === undefined) continue;
    if ((rcName === 'store-dir' || rcName === 'global-dir' || rcName === 'cache-dir' || rcName === 'state-dir') && value.startsWith('/')) continue;
    if (rcName === 'shared-workspace-lockfile' && value === 'true') continue;
    if (rcName === 'lockfile' && value === 'true') continue;
    return `${npmrc.has(rcName) ? `.npmrc sets ${rcName}` : `pnpm-workspace.yaml sets ${yamlName}`}, which moves files pnpm reads or writes; dockeropt does not follow it yet`;
  }
  const reads = sentFiles(directory, ['pnpm-workspace.yaml', '.npmrc']);
  if (!ignorePnpmfile) {
    for (const file of PNPMFILES) {
      if (!directory.isSent(file)) continue;
      const text = directory.readText(file);
      const reason = text === null ? `${file} cannot be read` : pnpmfileReason(text, file);
      if (reason) return reason;
      reads.push(file);
    }
  }
  return { workspace, npmrc, reads };
}

function planInstall(directory: InstallDirectory, ignoreScripts: boolean, ignorePnpmfile: boolean): InstallPlan {
  const root = readPackageJson(directory, 'package.json');
  if (typeof root === 'string') return { skip: root };
  if (!directory.isSent('pnpm-lock.yaml')) return { skip: 'the build context has no pnpm-lock.yaml, so pnpm would resolve the dependencies and write one' };
  const config = readConfig(directory, ignorePnpmfile);
  if (typeof config === 'string') return { skip: config };

  const members = workspaceMembers(directory, config.workspace);
  if (typeof members === 'string') return { skip: members };
  // ignore-scripts in .npmrc is not enough: npm_config_ignore_scripts in the environment overrides it.
  const scriptsOff = ignoreScripts;
  const manifests = ['package.json', ...members.map((member) => `${member}/package.json`)];
  for (const manifest of manifests) {
    const json = manifest === 'package.json' ? root : readPackageJson(directory, manifest);
    if (typeof json === 'string') return { skip: json };
    const reason = localDependencyReason(json, manifest, isLocalSpec)
      ?? injectedReason(json, manifest)
      ?? (scriptsOff ? null : scriptReason(json, manifest, directory, { runner: 'pnpm install', tool: 'pnpm' }));
    if (reason) return { skip: reason };
  }
  const pnpmField = objectField(root, 'pnpm') ?? {};
  const overrides = [objectField(pnpmField, 'overrides'), config.workspace?.get('overrides') ? yamlMap(config.workspace.get('overrides')!) : null];
  if (config.workspace?.get('overrides') && !overrides[1]) return { skip: 'pnpm-workspace.yaml has overrides dockeropt cannot read' };
  for (const map of overrides) {
    for (const [name, spec] of map instanceof Map ? map : Object.entries(map ?? {})) {
      if (typeof spec === 'string' && isLocalSpec(spec)) return { skip: `pnpm overrides ${name} with the local path ${spec}` };
    }
  }
  const patches = patchFiles(directory, pnpmField, config.workspace);
  if (typeof patches === 'string') return { skip: patches };
  const reads = [...manifests, 'pnpm-lock.yaml', ...config.reads, ...patches];
  return { reads, writes: ['node_modules', ...members.map((member) => `${member}/node_modules`)] };
}

function planFetch(directory: InstallDirectory, ignorePnpmfile: boolean): InstallPlan {
  const lock = directory.readText('pnpm-lock.yaml');
  if (lock === null) return { skip: unreadable(directory, 'pnpm-lock.yaml') ?? 'pnpm fetch needs pnpm-lock.yaml, and the build context does not send it' };
  const config = readConfig(directory, ignorePnpmfile);
  if (typeof config === 'string') return { skip: config };
  const importers = lockfileImporters(lock);
  if (typeof importers === 'string') return { skip: importers };
  const reads = ['pnpm-lock.yaml', ...sentFiles(directory, ['package.json']), ...config.reads];
  return { reads, writes: ['node_modules', ...importers.map((importer) => `${importer}/node_modules`)] };
}

/** Members from pnpm-workspace.yaml's `packages:` (the root is always part of the workspace). */
function workspaceMembers(directory: InstallDirectory, workspace: Map<string, YamlEntry> | null): string[] | string {
  const entry = workspace?.get('packages');
  if (!entry) return [];
  const patterns = yamlList(entry);
  if (!patterns) return 'pnpm-workspace.yaml has a packages list dockeropt cannot read';
  const negated = patterns.find((pattern) => pattern.startsWith('!'));
  if (negated) return `the workspace pattern "${negated}" is not supported yet`;
  const members = expandWorkspaces(directory, patterns.filter((pattern) => !['.', './', ''].includes(pattern)));
  return typeof members === 'string' ? members : members.filter((member) => member !== '');
}

const isLocalSpec = (spec: string) => /^(file:|link:|\.{0,2}\/|~\/)/.test(spec);

function injectedReason(json: PackageJson, manifest: string): string | null {
  for (const [name, meta] of Object.entries(objectField(json, 'dependenciesMeta') ?? {})) {
    if (typeof meta === 'object' && meta !== null && (meta as { injected?: unknown }).injected === true) {
      return `${manifest} injects ${name}, so pnpm copies that package's files into node_modules`;
    }
  }
  return null;
}

/** The patch files named by patchedDependencies, each checked to be in the context. */
function patchFiles(directory: InstallDirectory, pnpmField: Record<string, unknown>, workspace: Map<string, YamlEntry> | null): string[] | string {
  const named: string[] = [];
  for (const value of Object.values(objectField(pnpmField, 'patchedDependencies') ?? {})) {
    if (typeof value !== 'string') return 'package.json has pnpm.patchedDependencies dockeropt cannot read';
    named.push(value);
  }
  const entry = workspace?.get('patchedDependencies');
  if (entry) {
    const map = yamlMap(entry);
    if (!map) return 'pnpm-workspace.yaml has patchedDependencies dockeropt cannot read';
    named.push(...map.values());
  }
  const files: string[] = [];
  for (const file of named) {
    const normalized = path.posix.normalize(file);
    if (normalized.startsWith('..') || normalized.startsWith('/')) return `the patch ${file} is outside the copied folder`;
    if (!directory.isSent(normalized)) return `the patch ${file} is not in the build context`;
    files.push(normalized);
  }
  return files;
}

/** The importer folders of pnpm-lock.yaml (`.` is the root, left out). */
function lockfileImporters(lock: string): string[] | string {
  const lines = lock.split(/\r?\n/);
  const start = lines.findIndex((line) => /^importers:\s*$/.test(line));
  if (start < 0) return [];
  const importers: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const match = /^ {2}(\S.*?):\s*(\{\})?\s*$/.exec(line);
    if (!match) continue;
    const importer = yamlScalar(match[1]!);
    if (importer === null) return 'pnpm-lock.yaml has importers dockeropt cannot read';
    const normalized = path.posix.normalize(importer);
    if (normalized.startsWith('..') || normalized.startsWith('/')) return `pnpm-lock.yaml has the importer ${importer} outside the folder`;
    if (normalized !== '.') importers.push(normalized);
  }
  return importers;
}

/** Why a pnpmfile may read project files: it loads fs, child_process, a relative module, or code by name. */
function pnpmfileReason(text: string, file: string): string | null {
  const risky = /\b(eval|Function|process\.binding|process\.dlopen|__dirname|__filename|import\.meta)\b/.exec(text);
  if (risky) return `${file} uses ${risky[1]}, so it may read files dockeropt cannot see (add --ignore-pnpmfile if it does not matter)`;
  const loads = [...text.matchAll(/\b(require|import)\s*\(?\s*([^)\s;]*)/g)];
  for (const [, how, target] of loads) {
    const literal = /^(['"`])([^'"`$]+)\1$/.exec(target ?? '');
    if (!literal) {
      if (how === 'import' && /^(\{|\*|[A-Za-z_$])/.test(target ?? '')) continue; // `import x from '…'`: checked below
      return `${file} loads a module by a computed name, so it may read files dockeropt cannot see`;
    }
    const module = literal[2]!;
    if (module.startsWith('.') || module.startsWith('/') || FILE_MODULES.test(module)) return `${file} loads ${module}, so it may read project files`;
  }
  for (const [, module] of text.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)) {
    if (module!.startsWith('.') || module!.startsWith('/') || FILE_MODULES.test(module!)) return `${file} loads ${module}, so it may read project files`;
  }
  return null;
}
