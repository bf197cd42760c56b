/**
 * Composer: `composer install` (with `--no-dev`, `--prefer-dist`, `--no-interaction`, …).
 *
 * With a composer.lock it installs from the lock and never rewrites it; without one it resolves
 * and writes composer.lock: skipped. It reads composer.json, composer.lock and auth.json, and
 * writes `vendor/` (or `config.vendor-dir`, and `config.bin-dir` when that is elsewhere).
 *
 * Code that may read sources is skipped unless turned off: composer.json scripts for install
 * events (`--no-scripts`; plugins still run with it, EventDispatcher only drops script
 * listeners); plugins from the lock that composer.json's allow-plugins lets run (`--no-plugins`);
 * and the autoloader dump (`--no-autoloader`) when it scans the project: a root `classmap`, or an
 * optimised dump (`-o`, `-a`, config `optimize-autoloader`/`classmap-authoritative`), or a
 * `target-dir`. A PSR-4/PSR-0/`files` autoloader is fine: AutoloadGenerator writes those paths as
 * text without opening them. Also skipped: path/artifact repositories or local VCS ones,
 * path dists in the lock, and a sent .git/.hg/.svn when composer.json has no `version` (Composer
 * then asks the VCS for the root version and writes it into vendor/composer/installed.php).
 */
import path from 'node:path';
import { objectField } from './package-json.js';
import { parseWords, unreadable, type Ecosystem, type InstallDirectory, type InstallPlan } from './types.js';

const FLAGS = {
  boolean: [
    '--no-scripts', '--no-autoloader', '--no-plugins', '--no-dev', '--dev', '--prefer-dist', '--prefer-source',
    '--no-interaction', '-n', '--no-progress', '--no-suggest', '--optimize-autoloader', '-o', '--classmap-authoritative', '-a',
    '--apcu-autoloader', '--ignore-platform-reqs', '--no-cache', '--quiet', '-q', '--verbose', '-v', '-vv', '-vvv', '--ansi',
    '--no-ansi', '--no-audit', '--audit', '--strict-psr-autoloader', '--download-only',
  ],
  valued: ['--apcu-autoloader-prefix', '--ignore-platform-req', '--audit-format', '--prefer-install'],
};
const INSTALL_EVENTS = [
  'pre-install-cmd', 'post-install-cmd', 'pre-autoload-dump', 'post-autoload-dump', 'pre-package-install', 'post-package-install',
  'pre-package-update', 'post-package-update', 'pre-operations-exec', 'pre-pool-create', 'pre-dependencies-solving',
  'post-dependencies-solving', 'pre-file-download', 'post-file-download', 'pre-command-run', 'pre-package-uninstall', 'post-package-uninstall',
];
const PLUGIN_TYPES = new Set(['composer-plugin', 'composer-installer']);

interface Options {
  noScripts: boolean;
  noAutoloader: boolean;
  noPlugins: boolean;
  noDev: boolean;
  optimize: boolean;
}

export const composer: Ecosystem = {
  id: 'composer',
  match(words) {
    if (words[0] !== 'composer' && words[0] !== 'composer.phar') return null;
    const verb = words[1];
    if (verb === 'update' || verb === 'require' || verb === 'remove' || verb === 'upgrade' || verb === 'u') {
      return { skip: `\`composer ${verb}\` rewrites composer.json or composer.lock, which the later COPY would overwrite` };
    }
    if (verb !== 'install' && verb !== 'i') return null;
    const { flags, positionals, unknown } = parseWords(words.slice(2), FLAGS);
    if (unknown.length > 0) return { skip: `composer flag ${unknown[0]} is not known to be safe to split` };
    if (positionals.length > 0) return { skip: `\`composer install\` takes no arguments here (${positionals[0]})` };
    const options: Options = {
      noScripts: flags.has('--no-scripts'),
      noAutoloader: flags.has('--no-autoloader') || flags.has('--download-only'),
      noPlugins: flags.has('--no-plugins'),
      noDev: flags.has('--no-dev'),
      optimize: ['--optimize-autoloader', '-o', '--classmap-authoritative', '-a'].some((flag) => flags.has(flag)),
    };
    return { ecosystem: 'composer', display: words.join(' '), plan: (directory) => planComposerInstall(directory, options) };
  },
};

function readJson(directory: InstallDirectory, file: string): Record<string, unknown> | string {
  const text = directory.readText(file);
  if (text === null) return unreadable(directory, file) ?? `${file} is not in the build context`;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  return `${file} is not valid JSON`;
}

function planComposerInstall(directory: InstallDirectory, options: Options): InstallPlan {
  const json = readJson(directory, 'composer.json');
  if (typeof json === 'string') return { skip: json };
  if (!directory.isSent('composer.lock')) return { skip: 'the build context has no composer.lock, so Composer would resolve the dependencies and write one' };
  const badAuth = unreadable(directory, 'auth.json');
  if (badAuth) return { skip: badAuth };
  const lock = readJson(directory, 'composer.lock');
  if (typeof lock === 'string') return { skip: lock };

  const scripts = objectField(json, 'scripts') ?? {};
  const event = INSTALL_EVENTS.find((name) => name in scripts);
  if (event && !options.noScripts) return { skip: `composer.json has a \`${event}\` script, which may read source files; add --no-scripts` };

  const config = objectField(json, 'config') ?? {};
  if (!options.noAutoloader) {
    const reason = autoloaderReason(json, config, options);
    if (reason) return { skip: reason };
  }
  const repositories = json.repositories;
  for (const repository of Array.isArray(repositories) ? repositories : Object.values(objectField(json, 'repositories') ?? {})) {
    if (typeof repository !== 'object' || repository === null) continue;
    const { type, url } = repository as { type?: unknown; url?: unknown };
    if (type === 'path' || type === 'artifact') return { skip: `composer.json has a ${type} repository, which reads local folders` };
    if (typeof url === 'string' && !/^(https?:|git@|ssh:|git:|svn:)/.test(url)) return { skip: `composer.json has a repository at the local path ${url}` };
  }
  const packages = [...asArray(lock.packages), ...(options.noDev ? [] : asArray(lock['packages-dev']))];
  for (const pkg of packages) {
    const dist = objectField(pkg, 'dist');
    if (dist?.type === 'path') return { skip: `composer.lock installs ${String(pkg.name)} from a local path` };
  }
  if (!options.noPlugins) {
    const plugin = packages.find((pkg) => PLUGIN_TYPES.has(String(pkg.type)) && pluginMayRun(String(pkg.name), config['allow-plugins']));
    if (plugin) return { skip: `the Composer plugin ${String(plugin.name)} runs its own code during the install (add --no-plugins if it is not needed here)` };
  }
  if (typeof json.version !== 'string') {
    const vcs = ['.git', '.hg', '.svn', '_FOSSIL_', '.fslckout'].find((name) => directory.isSent(name));
    if (vcs) return { skip: `Composer reads the root package's version from ${vcs}; add ${vcs} to .dockerignore or set "version" in composer.json` };
  }

  const vendor = stringSetting(config['vendor-dir']) ?? 'vendor';
  const bin = stringSetting(config['bin-dir']) ?? `${vendor}/bin`;
  const writes = [vendor, ...(path.posix.normalize(bin).startsWith(`${path.posix.normalize(vendor)}/`) ? [] : [bin])].map((dir) => path.posix.normalize(dir));
  if (writes.some((dir) => dir.startsWith('..') || dir.includes('{$') || dir.includes('$'))) return { skip: 'config.vendor-dir or bin-dir points where dockeropt cannot follow' };
  const reads = ['composer.json', 'composer.lock', ...['auth.json'].filter((file) => directory.isSent(file))];
  return { reads, writes: writes.filter((dir) => !dir.startsWith('/')) };
}

/** Why dumping the autoloader reads project files, if it does. */
function autoloaderReason(json: Record<string, unknown>, config: Record<string, unknown>, options: Options): string | null {
  if (options.optimize || config['optimize-autoloader'] === true || config['classmap-authoritative'] === true) {
    return 'an optimised autoloader scans the project\'s classes; add --no-autoloader and dump it after the sources are copied';
  }
  if (typeof json['target-dir'] === 'string') return 'composer.json has a target-dir, which makes the autoloader check project files; add --no-autoloader';
  for (const field of options.noDev ? ['autoload'] : ['autoload', 'autoload-dev']) {
    const autoload = objectField(json, field);
    if (autoload && 'classmap' in autoload) return `composer.json's ${field} has a classmap, which the autoloader builds by scanning the sources; add --no-autoloader`;
  }
  return null;
}

function asArray(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null) : [];
}

function stringSetting(value: unknown): string | null {
  return typeof value === 'string' ? value.replace(/\/$/, '') : null;
}

/** Whether allow-plugins lets this plugin run (Composer asks, or fails, when it is not listed). */
function pluginMayRun(name: string, allow: unknown): boolean {
  if (allow === true) return true;
  if (typeof allow !== 'object' || allow === null) return true;
  for (const [pattern, allowed] of Object.entries(allow as Record<string, unknown>)) {
    const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'i');
    if (regex.test(name)) return allowed === true;
  }
  return name !== 'composer/package-versions-deprecated';
}
