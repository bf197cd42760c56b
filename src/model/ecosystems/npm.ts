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
import { localDependencyReason, readPackageJson, scriptReason, sentFiles, workspaceMembers, type PackageJson } from './package-json.js';
import { parseWords, type Ecosystem, type InstallDirectory, type InstallPlan } from './types.js';

const FLAGS = {
  boolean: [
    '--ignore-scripts', '--no-audit', '--no-fund', '--no-update-notifier', '--prefer-offline', '--offline',
    '--legacy-peer-deps', '--strict-peer-deps', '--production', '--no-optional', '--quiet', '-q', '--silent',
    '-s', '--verbose', '--no-progress', '--foreground-scripts', '--unsafe-perm', '--audit=false', '--fund=false',
  ],
  valued: ['--omit', '--include', '--only', '--loglevel', '--registry', '--cache', '--install-strategy'],
};

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
    return {
      ecosystem: 'npm',
      display: words.join(' '),
      plan: (directory) => planNpmCi(directory, ignoreScripts),
      // npm switches to a workspace root above the folder when one lists it.
      ancestorFiles: ['package.json'],
    };
  },
};

function planNpmCi(directory: InstallDirectory, ignoreScripts: boolean): InstallPlan {
  const root = readPackageJson(directory, 'package.json');
  if (typeof root === 'string') return { skip: root };
  const lockfiles = sentFiles(directory, ['package-lock.json', 'npm-shrinkwrap.json']);
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
  const reads = [...manifests, ...lockfiles, ...sentFiles(directory, ['.npmrc'])];
  const writes = ['node_modules', ...members.map((member) => `${member}/node_modules`)];
  return { reads, writes };
}

/** Why installing this package may read more than its manifest, if it may. */
function sourceReadingReason(json: PackageJson, manifest: string, directory: InstallDirectory, ignoreScripts: boolean): string | null {
  return localDependencyReason(json, manifest) ?? (ignoreScripts ? null : scriptReason(json, manifest, directory, { runner: 'npm ci', tool: 'npm' }));
}
