/**
 * bun: `bun install --frozen-lockfile` (also `bun i`).
 *
 * It reads package.json, bun.lock or bun.lockb, bunfig.toml, .npmrc, the patch files named by
 * `patchedDependencies`, and every workspace member's package.json (`workspaces`, as for npm); it
 * writes node_modules at the root and in the members. Without `--frozen-lockfile` bun may rewrite
 * the lockfile (or migrate package-lock.json/yarn.lock into a new one): skipped, as is a context
 * with no bun lockfile.
 *
 * Also skipped: root or member lifecycle scripts (bun runs preinstall … prepare of the project;
 * add `--ignore-scripts` if they read no sources) and binding.gyp, `file:`/`link:` dependencies,
 * flags that write another lockfile (`--yarn`, `--save-text-lockfile`), and bunfig.toml settings
 * that put the cache into the project or print a yarn.lock.
 */
import path from 'node:path';
import { tomlEntries, tomlString } from './config-text.js';
import { localDependencyReason, objectField, readPackageJson, scriptReason, sentFiles, workspaceMembers } from './package-json.js';
import { parseWords, type Ecosystem, type InstallDirectory, type InstallPlan } from './types.js';

const FLAGS = {
  boolean: [
    '--frozen-lockfile', '--production', '-p', '--ignore-scripts', '--no-save', '--silent', '--verbose', '--no-progress',
    '--no-summary', '--no-cache', '--no-verify', '--force', '-f',
  ],
  valued: ['--concurrent-scripts', '--network-concurrency', '--backend', '--registry', '--omit', '--linker', '--cache-dir'],
};

export const bun: Ecosystem = {
  id: 'bun',
  match(words) {
    if (words[0] !== 'bun') return null;
    const verb = words[1];
    if (verb === 'add' || verb === 'a' || verb === 'remove' || verb === 'rm' || verb === 'update') {
      return { skip: `\`bun ${verb}\` rewrites package.json and the lockfile, which the later COPY would overwrite` };
    }
    if (verb !== 'install' && verb !== 'i') return null;
    const { flags, positionals, unknown } = parseWords(words.slice(2), FLAGS);
    if (unknown.length > 0) return { skip: `bun flag ${unknown[0]} is not known to be safe to split` };
    if (positionals.length > 0) return { skip: `\`bun ${verb} ${positionals[0]}\` adds a package, which rewrites package.json and the lockfile` };
    if (!flags.has('--frozen-lockfile')) return { skip: `\`bun ${verb}\` may rewrite the lockfile, which the later COPY would overwrite; add --frozen-lockfile` };
    const cacheDir = flags.get('--cache-dir')?.at(-1);
    if (cacheDir !== undefined && !cacheDir.startsWith('/')) return { skip: `--cache-dir ${cacheDir} puts bun's cache inside the project` };
    const ignoreScripts = flags.has('--ignore-scripts');
    return {
      ecosystem: 'bun',
      display: words.join(' '),
      plan: (directory) => planBunInstall(directory, ignoreScripts),
      ancestorFiles: ['package.json', 'bunfig.toml', 'bun.lock', 'bun.lockb', '.npmrc'],
    };
  },
};

function planBunInstall(directory: InstallDirectory, ignoreScripts: boolean): InstallPlan {
  const root = readPackageJson(directory, 'package.json');
  if (typeof root === 'string') return { skip: root };
  const lockfiles = sentFiles(directory, ['bun.lock', 'bun.lockb']);
  if (lockfiles.length === 0) return { skip: 'the build context has no bun.lock or bun.lockb, so bun would write one' };
  const bunfig = bunfigReason(directory);
  if (bunfig) return { skip: bunfig };

  const members = workspaceMembers(directory, root.workspaces);
  if (typeof members === 'string') return { skip: members };
  const manifests = ['package.json', ...members.map((member) => `${member}/package.json`)];
  for (const manifest of manifests) {
    const json = manifest === 'package.json' ? root : readPackageJson(directory, manifest);
    if (typeof json === 'string') return { skip: json };
    const reason = localDependencyReason(json, manifest, (spec) => /^(file:|link:|\.{0,2}\/|~\/)/.test(spec))
      ?? (ignoreScripts ? null : scriptReason(json, manifest, directory, { runner: 'bun install', tool: 'bun' }));
    if (reason) return { skip: reason };
  }
  const patches: string[] = [];
  for (const file of Object.values(objectField(root, 'patchedDependencies') ?? {})) {
    if (typeof file !== 'string') return { skip: 'package.json has patchedDependencies dockeropt cannot read' };
    const normalized = path.posix.normalize(file);
    if (normalized.startsWith('..') || normalized.startsWith('/')) return { skip: `the patch ${file} is outside the copied folder` };
    if (!directory.isSent(normalized)) return { skip: `the patch ${file} is not in the build context` };
    patches.push(normalized);
  }
  const reads = [...manifests, ...lockfiles, ...sentFiles(directory, ['bunfig.toml', '.npmrc']), ...patches];
  return { reads, writes: ['node_modules', ...members.map((member) => `${member}/node_modules`)] };
}

/** bunfig.toml settings that make the install read or write other files of the project. */
function bunfigReason(directory: InstallDirectory): string | null {
  if (!directory.isSent('bunfig.toml')) return null;
  const text = directory.readText('bunfig.toml');
  if (text === null) return 'bunfig.toml cannot be read';
  const entries = tomlEntries(text, 'bunfig.toml');
  if (typeof entries === 'string') return entries;
  for (const { table, key, value } of entries) {
    const full = table ? `${table}.${key}` : key;
    if (full === 'install.lockfile.print' || full === 'install.lockfile.path' || full === 'install.lockfile.savePath') {
      return `bunfig.toml sets ${full}, which makes bun read or write another lockfile`;
    }
    if (['install.cache.dir', 'install.cache', 'install.globalDir', 'install.globalBinDir'].includes(full)) {
      const dir = tomlString(value);
      if (dir === null || !dir.startsWith('/')) return `bunfig.toml sets ${full} to a folder dockeropt cannot place`;
    }
  }
  return null;
}
