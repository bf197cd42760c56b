/**
 * npm: `npm ci` and `npm install` with no package arguments.
 *
 * `npm ci` reads package.json, package-lock.json or npm-shrinkwrap.json, .npmrc, and every
 * workspace member's package.json; it writes node_modules (at the root and in members) and never
 * rewrites the manifests. It also runs the root's lifecycle scripts (preinstall, install,
 * postinstall, prepare, …) and `node-gyp rebuild` when a binding.gyp exists: those may read any
 * source file, so such projects are skipped unless `--ignore-scripts` is given.
 *
 * `npm install` may rewrite package-lock.json, which the later `COPY . .` would put back: skipped,
 * with a pointer to `npm ci`.
 */
import { parseWords, type Ecosystem, type InstallDirectory, type InstallPlan } from './types.js';

const LIFECYCLE_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];
const LOCAL_SPEC = /^(file:|link:|portal:|\.{0,2}\/|~\/)/;

const FLAGS = {
  boolean: [
    '--ignore-scripts', '--no-audit', '--no-fund', '--no-update-notifier', '--prefer-offline', '--offline',
    '--legacy-peer-deps', '--strict-peer-deps', '--production', '--no-optional', '--quiet', '-q', '--silent',
    '-s', '--verbose', '--no-progress', '--foreground-scripts', '--unsafe-perm', '--audit=false', '--fund=false',
  ],
  valued: ['--omit', '--include', '--only', '--loglevel', '--registry', '--cache', '--install-strategy'],
};

interface PackageJson {
  scripts?: Record<string, unknown>;
  workspaces?: unknown;
  [field: string]: unknown;
}

export const npm: Ecosystem = {
  id: 'npm',
  match(words) {
    if (words[0] !== 'npm') return null;
    const verb = words[1];
    if (verb === 'install' || verb === 'i' || verb === 'add') {
      return { skip: `\`npm ${verb}\` may rewrite package-lock.json, which the later COPY would overwrite; \`npm ci\` installs from the lockfile without writing it` };
    }
    if (verb !== 'ci' && verb !== 'clean-install') return null;
    const { flags, positionals, unknown } = parseWords(words.slice(2), FLAGS);
    if (unknown.length > 0) return { skip: `unknown npm flag ${unknown[0]}` };
    if (positionals.length > 0) return { skip: `\`npm ${verb}\` takes no package arguments here (${positionals[0]})` };
    const ignoreScripts = flags.has('--ignore-scripts');
    return { ecosystem: 'npm', display: words.join(' '), plan: (directory) => planNpmCi(directory, ignoreScripts) };
  },
};

function readPackageJson(directory: InstallDirectory, relative: string): PackageJson | string {
  const text = directory.readText(relative);
  if (text === null) return `${relative} is not in the build context`;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as PackageJson;
  } catch {
    // fall through
  }
  return `${relative} is not valid JSON`;
}

function planNpmCi(directory: InstallDirectory, ignoreScripts: boolean): InstallPlan {
  const root = readPackageJson(directory, 'package.json');
  if (typeof root === 'string') return { skip: root };
  const lockfiles = ['package-lock.json', 'npm-shrinkwrap.json'].filter((file) => directory.isSent(file));
  if (lockfiles.length === 0) return { skip: 'npm ci needs package-lock.json or npm-shrinkwrap.json, and the build context has neither' };

  const members = workspaceMembers(directory, root.workspaces);
  if (typeof members === 'string') return { skip: members };
  const manifests = ['package.json', ...members.map((member) => `${member}/package.json`)];
  for (const manifest of manifests) {
    const json = manifest === 'package.json' ? root : readPackageJson(directory, manifest);
    if (typeof json === 'string') return { skip: json };
    const reason = sourceReadingReason(json, manifest, directory, ignoreScripts);
    if (reason) return { skip: reason };
  }
  const reads = [...manifests, ...lockfiles, ...['.npmrc'].filter((file) => directory.isSent(file))];
  const writes = ['node_modules', ...members.map((member) => `${member}/node_modules`)];
  return { reads, writes };
}

/** Why installing this package may read more than its manifest, if it may. */
function sourceReadingReason(json: PackageJson, manifest: string, directory: InstallDirectory, ignoreScripts: boolean): string | null {
  for (const field of DEPENDENCY_FIELDS) {
    const deps = json[field];
    if (typeof deps !== 'object' || deps === null) continue;
    for (const [name, spec] of Object.entries(deps as Record<string, unknown>)) {
      if (typeof spec === 'string' && LOCAL_SPEC.test(spec)) return `${manifest} depends on the local path ${spec} (${name})`;
    }
  }
  if (ignoreScripts) return null;
  const scripts = typeof json.scripts === 'object' && json.scripts !== null ? json.scripts : {};
  const lifecycle = LIFECYCLE_SCRIPTS.find((script) => script in scripts);
  if (lifecycle) return `${manifest} has a \`${lifecycle}\` script, which npm ci runs and which may read source files (add --ignore-scripts if it does not)`;
  const directoryOf = manifest.slice(0, -'package.json'.length);
  if (directory.isSent(`${directoryOf}binding.gyp`)) return `${directoryOf}binding.gyp makes npm run node-gyp, which reads the sources`;
  return null;
}

/** Expands `workspaces` globs of the forms `dir`, `dir/*` and `dir/*\/sub` against the context. */
function workspaceMembers(directory: InstallDirectory, workspaces: unknown): string[] | string {
  if (workspaces === undefined) return [];
  const patterns = Array.isArray(workspaces)
    ? workspaces
    : typeof workspaces === 'object' && workspaces !== null && Array.isArray((workspaces as { packages?: unknown }).packages)
      ? (workspaces as { packages: unknown[] }).packages
      : null;
  if (!patterns || !patterns.every((p): p is string => typeof p === 'string')) return 'package.json has a workspaces field dockeropt cannot read';
  const members = new Set<string>();
  for (const pattern of patterns) {
    const clean = pattern.replace(/^\.\//, '').replace(/\/$/, '');
    if (/[?[\]{}!]|\*\*/.test(clean) || clean.startsWith('..')) return `the workspace pattern "${pattern}" is not supported yet`;
    let candidates = [''];
    for (const segment of clean.split('/')) {
      const next: string[] = [];
      for (const base of candidates) {
        const prefix = base ? `${base}/` : '';
        if (!segment.includes('*')) {
          if (directory.isSentDirectory(`${prefix}${segment}`)) next.push(`${prefix}${segment}`);
          continue;
        }
        const listing = directory.sentUnder(base);
        if (listing === 'too-many') return `too many files under ${base || 'the context'} to expand "${pattern}"`;
        const matcher = new RegExp(`^${segment.split('*').map((s) => s.replace(/[.+^${}()|\\]/g, '\\$&')).join('[^/]*')}$`);
        for (const file of listing) {
          const child = file.slice(prefix.length).split('/')[0]!;
          if (file.slice(prefix.length).includes('/') && matcher.test(child)) next.push(`${prefix}${child}`);
        }
      }
      candidates = [...new Set(next)];
    }
    for (const candidate of candidates) if (directory.isSent(`${candidate}/package.json`)) members.add(candidate);
  }
  return [...members].sort();
}
