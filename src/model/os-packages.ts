/**
 * OS package managers (apt, apk, yum, dnf, zypper) as the hygiene transforms see them: which
 * command refreshes the package index, which reads it to install, where each keeps its index and
 * download cache, and which commands remove them.
 */
import path from 'node:path';
import { isWithin } from './run.js';

export type OsManager = 'apt' | 'apk' | 'yum' | 'dnf' | 'zypper';

/**
 * - `update`: refreshes the index (`apt-get update`, `apk update`, `dnf makecache`, `zypper refresh`);
 * - `install`: reads the index to install or upgrade packages;
 * - `query`: reads the index without changing packages (`apt-cache policy`, `apk search`);
 * - `remove`, `clean`, `other`: the rest.
 */
export type OsAction = 'update' | 'install' | 'query' | 'remove' | 'clean' | 'other';

export interface OsPackageCommand {
  manager: OsManager;
  /** The program's name as written, without its folder. */
  tool: string;
  action: OsAction;
  /** The subcommand as written (`install`), or '' when there is none. */
  subcommand: string;
  /** Its index in `words`, or -1. */
  subcommandIndex: number;
  words: string[];
}

const TOOLS: Record<string, OsManager> = {
  'apt-get': 'apt', apt: 'apt', aptitude: 'apt', 'apt-cache': 'apt',
  apk: 'apk',
  yum: 'yum',
  dnf: 'dnf', dnf5: 'dnf',
  zypper: 'zypper',
};

/** Every program name that runs one of the managers. */
export const OS_PACKAGE_TOOLS: readonly string[] = Object.keys(TOOLS);

/** Options that take the next word as their value, per manager. */
const VALUE_OPTIONS: Record<OsManager, Set<string>> = {
  apt: new Set(['-o', '-c', '-t', '--option', '--config-file', '--target-release', '--default-release']),
  apk: new Set(['-X', '--repository', '-p', '--root', '-t', '--virtual', '--arch', '--keys-dir', '--cache-dir', '--repositories-file', '--cache-max-age']),
  yum: new Set(['-c', '--config', '-x', '--exclude', '--installroot', '--releasever', '-d', '-e', '--repo', '--repoid', '--enablerepo', '--disablerepo', '--setopt']),
  dnf: new Set(['-c', '--config', '-x', '--exclude', '--installroot', '--releasever', '-d', '-e', '--repo', '--repoid', '--enablerepo', '--disablerepo', '--setopt']),
  zypper: new Set(['-r', '--repo', '-R', '--root', '-c', '--config', '-D', '--reposd-dir', '-C', '--cache-dir', '--raw-cache-dir', '--solv-cache-dir', '-p', '--plus-repo']),
};

const ACTIONS: Record<OsManager, Record<string, OsAction>> = {
  apt: {
    update: 'update',
    install: 'install', reinstall: 'install', upgrade: 'install', 'dist-upgrade': 'install', 'full-upgrade': 'install',
    'build-dep': 'install', source: 'install', satisfy: 'install', download: 'install',
    remove: 'remove', purge: 'remove', autoremove: 'remove', autopurge: 'remove',
    clean: 'clean', autoclean: 'clean',
    list: 'query', search: 'query', show: 'query', policy: 'query', showsrc: 'query', depends: 'query',
    rdepends: 'query', madison: 'query', changelog: 'query', showpkg: 'query', pkgnames: 'query', dump: 'query',
  },
  apk: {
    update: 'update',
    add: 'install', upgrade: 'install', fix: 'install', fetch: 'install',
    del: 'remove',
    search: 'query', info: 'query', policy: 'query', version: 'query', dot: 'query', list: 'query', stats: 'query',
  },
  yum: {
    makecache: 'update',
    install: 'install', update: 'install', upgrade: 'install', groupinstall: 'install', localinstall: 'install',
    reinstall: 'install', downgrade: 'install', 'distro-sync': 'install', group: 'install', builddep: 'install',
    'update-minimal': 'install', 'upgrade-minimal': 'install', module: 'install',
    remove: 'remove', erase: 'remove', autoremove: 'remove',
    clean: 'clean',
    search: 'query', info: 'query', list: 'query', provides: 'query', whatprovides: 'query', repolist: 'query',
    repoquery: 'query', deplist: 'query', 'check-update': 'query',
  },
  dnf: {},
  zypper: {
    refresh: 'update', ref: 'update',
    install: 'install', in: 'install', update: 'install', up: 'install', 'dist-upgrade': 'install', dup: 'install',
    patch: 'install', 'source-install': 'install', si: 'install', 'install-new-recommends': 'install', inr: 'install',
    remove: 'remove', rm: 'remove',
    clean: 'clean', cc: 'clean',
    search: 'query', se: 'query', info: 'query', if: 'query', packages: 'query', pa: 'query', patches: 'query',
    'list-updates': 'query', lu: 'query',
  },
};
ACTIONS.dnf = ACTIONS.yum;

/** Reads one simple command's words; null when it is not an OS package manager. */
export function osPackageCommand(words: string[]): OsPackageCommand | null {
  const tool = path.posix.basename(words[0] ?? '');
  const manager = TOOLS[tool];
  if (!manager) return null;
  let subcommandIndex = -1;
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word.startsWith('-')) {
      if (VALUE_OPTIONS[manager].has(word)) i++;
      continue;
    }
    subcommandIndex = i;
    break;
  }
  const subcommand = subcommandIndex < 0 ? '' : words[subcommandIndex]!;
  let action: OsAction = tool === 'apt-cache' ? 'query' : (ACTIONS[manager][subcommand.toLowerCase()] ?? 'other');
  if (manager === 'apk' && subcommand === 'cache' && words[subcommandIndex + 1] === 'clean') action = 'clean';
  return { manager, tool, action, subcommand, subcommandIndex, words };
}

/** Whether the command has this option (`--no-cache`, `-y`), before or after the subcommand. */
export function hasOption(command: OsPackageCommand, ...names: string[]): boolean {
  return command.words.slice(1).some((word) => names.includes(word) || names.some((name) => name.startsWith('--') && word.startsWith(`${name}=`)));
}

/** Where each manager keeps the index its installs read. */
export const INDEX_PATHS: Record<OsManager, string> = {
  apt: '/var/lib/apt/lists',
  apk: '/var/cache/apk',
  yum: '/var/cache/yum',
  dnf: '/var/cache/dnf',
  zypper: '/var/cache/zypp',
};

/** Every folder a manager fills with its index or downloads: the package-manager cache paths. */
export const OS_CACHE_PATHS: Record<OsManager, readonly string[]> = {
  apt: ['/var/lib/apt/lists', '/var/cache/apt'],
  apk: ['/var/cache/apk'],
  yum: ['/var/cache/yum'],
  dnf: ['/var/cache/dnf', '/var/cache/libdnf5'],
  zypper: ['/var/cache/zypp'],
};

/** Whether the command writes the index: an update, `apk add` without `--no-cache` (with it, even `-U` keeps no index), or any yum/dnf/zypper command that fetches metadata. */
export function writesIndex(command: OsPackageCommand): boolean {
  if (command.action === 'update') return true;
  if (command.manager === 'apk') {
    return command.action === 'install' && !hasOption(command, '--no-cache');
  }
  if (command.manager === 'apt') return false;
  return command.action === 'install' || command.action === 'query';
}

/**
 * Whether the command empties the manager's index: `rm -rf` of the index folder or its content,
 * or the manager's own clean command (`yum clean all`, `dnf clean all`, `zypper clean`).
 */
export function removesIndex(words: string[], manager: OsManager): boolean {
  if (removedPaths(words).some((removed) => isWithin(INDEX_PATHS[manager], removed))) return true;
  const command = osPackageCommand(words);
  if (!command || command.manager !== manager || command.action !== 'clean') return false;
  if (manager === 'yum' || manager === 'dnf') return words.slice(command.subcommandIndex + 1).some((w) => w === 'all' || w === 'metadata');
  return manager === 'zypper';
}

/**
 * The folders an `rm -r` command empties or removes (`rm -rf /x/*` empties `/x`), or [] when
 * the command is no recursive rm. Only literal absolute paths are counted.
 */
export function removedPaths(words: string[]): string[] {
  if (path.posix.basename(words[0] ?? '') !== 'rm') return [];
  const args = words.slice(1);
  const recursive = args.some((a) => /^-[a-zA-Z]*[rR]/.test(a) || a === '--recursive');
  if (!recursive) return [];
  return args
    .filter((a) => !a.startsWith('-'))
    .map((a) => a.replace(/\/\*$/, '').replace(/\/+$/, ''))
    .filter((a) => a.startsWith('/') && !/[*?[$~]/.test(a));
}
