/**
 * uv: `uv sync --frozen|--locked --no-install-project`, and `uv pip install -r FILE` /
 * `uv pip sync FILE`.
 *
 * `uv sync` reads pyproject.toml, uv.lock, uv.toml and .python-version, and writes the project
 * environment `.venv` (UV_PROJECT_ENVIRONMENT may move it elsewhere; `.venv` is listed anyway).
 * Without `--frozen` or `--locked` it may rewrite uv.lock; without `--no-install-project` (or
 * `--no-install-workspace`) it builds and installs the project from its sources: both skipped.
 * With `--locked`, a project with `dynamic` metadata is skipped too, since checking the lockfile
 * may build the project. Workspaces (`[tool.uv.workspace]`: the members' pyproject.toml and
 * sources would be needed) and lockfile packages from a local path, folder or file URL are skipped.
 *
 * `uv pip install -r FILE` reads the requirements files exactly as pip does (pip.ts), plus uv's
 * config (uv.toml, pyproject.toml, .python-version), and installs into `.venv` when there is one.
 * `-r pyproject.toml`/`setup.py`/`setup.cfg` (the project's own metadata, maybe built) and local
 * `--find-links` or index folders are skipped.
 */
import path from 'node:path';
import { tomlEntries, tomlInlineTable, tomlString, tomlStringArray, type TomlEntry } from './config-text.js';
import { INDEX_REQUIREMENT, planRequirements } from './pip.js';
import { parseWords, unreadable, type Ecosystem, type InstallDirectory, type InstallPlan } from './types.js';

const COMMON_BOOLEAN = [
  '--no-cache', '-n', '--compile-bytecode', '--offline', '--refresh', '--quiet', '-q', '--verbose', '-v', '--no-progress',
  '--native-tls', '--no-python-downloads', '--no-config', '--frozen', '--locked', '--no-build-isolation', '--no-build',
];
const COMMON_VALUED = [
  '--python', '-p', '--python-preference', '--link-mode', '--index-url', '-i', '--extra-index-url', '--default-index', '--index',
  '--index-strategy', '--keyring-provider', '--no-binary', '--only-binary', '--prerelease', '--resolution', '--cache-dir', '--color',
  '--find-links', '-f', '--refresh-package', '--no-build-package',
];
const SYNC_FLAGS = {
  boolean: [
    ...COMMON_BOOLEAN, '--no-install-project', '--no-install-workspace', '--no-dev', '--dev', '--only-dev', '--all-extras',
    '--all-groups', '--no-default-groups', '--inexact', '--exact', '--no-editable', '--no-sources',
  ],
  valued: [...COMMON_VALUED, '--extra', '--no-extra', '--group', '--no-group', '--only-group', '--no-install-package'],
};
const PIP_FLAGS = {
  boolean: [...COMMON_BOOLEAN, '--system', '--break-system-packages', '--no-deps', '--require-hashes', '--upgrade', '-U', '--reinstall', '--strict', '--user'],
  valued: [...COMMON_VALUED, '-r', '--requirement', '-c', '--constraint', '--override', '--upgrade-package', '-P', '--reinstall-package'],
};
const CONFIG_FILES = ['uv.toml', '.python-version', '.python-versions'];

export const uv: Ecosystem = {
  id: 'uv',
  match(words) {
    if (words[0] !== 'uv') return null;
    if (words[1] === 'sync') return matchSync(words);
    if (words[1] === 'pip' && (words[2] === 'install' || words[2] === 'sync')) return matchPip(words);
    if (words[1] === 'add' || words[1] === 'remove' || words[1] === 'lock') {
      return { skip: `\`uv ${words[1]}\` rewrites pyproject.toml or uv.lock, which the later COPY would overwrite` };
    }
    return null;
  },
};

function matchSync(words: string[]) {
  const { flags, positionals, unknown } = parseWords(words.slice(2), SYNC_FLAGS);
  if (unknown.length > 0) return { skip: `uv flag ${unknown[0]} is not known to be safe to split` };
  if (positionals.length > 0) return { skip: `\`uv sync\` takes no arguments here (${positionals[0]})` };
  const frozen = flags.has('--frozen');
  if (!frozen && !flags.has('--locked')) return { skip: '`uv sync` may rewrite uv.lock, which the later COPY would overwrite; add --locked or --frozen' };
  if (!flags.has('--no-install-project') && !flags.has('--no-install-workspace')) {
    return { skip: '`uv sync` installs the project itself, which reads its sources; add --no-install-project' };
  }
  const local = localFlagReason(flags);
  if (local) return { skip: local };
  return {
    ecosystem: 'uv',
    display: words.join(' '),
    plan: (directory: InstallDirectory) => planSync(directory, frozen),
    ancestorFiles: ['pyproject.toml', 'uv.toml', '.python-version', '.python-versions'],
  };
}

function matchPip(words: string[]) {
  const sync = words[2] === 'sync';
  const { flags, positionals, unknown } = parseWords(words.slice(3), PIP_FLAGS);
  if (unknown.length > 0) return { skip: `uv flag ${unknown[0]} is not known to be safe to split` };
  const files = [...(flags.get('-r') ?? []), ...(flags.get('--requirement') ?? []), ...(sync ? positionals : [])];
  const others = [...(flags.get('-c') ?? []), ...(flags.get('--constraint') ?? []), ...(flags.get('--override') ?? [])];
  if (!sync) {
    const local = positionals.find((p) => !INDEX_REQUIREMENT.test(p));
    if (local !== undefined) return { skip: `\`uv pip install ${local}\` reads files from the context beyond the requirements` };
  }
  if (files.length === 0) return null;
  const metadata = [...files, ...others].find((file) => /\.(toml|py|cfg|ya?ml)$/.test(file));
  if (metadata) return { skip: `uv reads ${metadata} as project metadata, which may build the project from its sources` };
  const local = localFlagReason(flags);
  if (local) return { skip: local };
  return {
    ecosystem: 'uv',
    display: words.join(' '),
    plan: (directory: InstallDirectory) => planPip(directory, [...files, ...others]),
    ancestorFiles: ['pyproject.toml', 'uv.toml', '.python-version', '.python-versions', '.venv'],
  };
}

function localFlagReason(flags: Map<string, string[]>): string | null {
  for (const name of ['--find-links', '-f', '--index-url', '-i', '--extra-index-url', '--default-index', '--index']) {
    const local = flags.get(name)?.find((value) => !isRemote(value.replace(/^[\w-]+=/, '')));
    if (local !== undefined) return `${name} ${local} reads packages from a local folder`;
  }
  const cacheDir = flags.get('--cache-dir')?.at(-1);
  if (cacheDir !== undefined && !cacheDir.startsWith('/')) return `--cache-dir ${cacheDir} puts uv's cache inside the project`;
  return null;
}

const isRemote = (url: string) => /^https?:\/\//.test(url);

function planSync(directory: InstallDirectory, frozen: boolean): InstallPlan {
  const pyprojectText = directory.readText('pyproject.toml');
  if (pyprojectText === null) return { skip: unreadable(directory, 'pyproject.toml') ?? 'pyproject.toml is not in the build context' };
  const lock = directory.readText('uv.lock');
  if (lock === null) return { skip: unreadable(directory, 'uv.lock') ?? 'the build context has no uv.lock, so uv would resolve the dependencies and write one' };
  const pyproject = tomlEntries(pyprojectText, 'pyproject.toml');
  if (typeof pyproject === 'string') return { skip: pyproject };
  if (pyproject.some((entry) => entry.table === 'tool.uv.workspace' || entry.table.startsWith('tool.uv.workspace.') || (entry.table === 'tool.uv' && entry.key.startsWith('workspace')))) {
    return { skip: 'uv workspaces are not split yet (the members\' pyproject.toml and sources would be needed)' };
  }
  if (!frozen && pyproject.some((entry) => entry.table === 'project' && entry.key === 'dynamic')) {
    return { skip: 'the project has dynamic metadata, which `uv sync --locked` may build the project to read; use --frozen' };
  }
  const config = configReason(directory, pyproject);
  if (config) return { skip: config };
  const lockEntries = tomlEntries(lock, 'uv.lock');
  if (typeof lockEntries === 'string') return { skip: lockEntries };
  for (const entry of lockEntries) {
    if (entry.key !== 'source' || !entry.table.endsWith('package')) continue;
    const reason = lockSourceReason(entry.value);
    if (reason) return { skip: reason };
  }
  return { reads: ['pyproject.toml', 'uv.lock', ...CONFIG_FILES.filter((file) => directory.isSent(file))], writes: ['.venv'] };
}

function planPip(directory: InstallDirectory, files: string[]): InstallPlan {
  const plan = planRequirements(directory, files);
  if ('skip' in plan) return plan;
  const badPyproject = unreadable(directory, 'pyproject.toml');
  if (badPyproject) return { skip: badPyproject };
  let pyproject: TomlEntry[] = [];
  const pyprojectText = directory.readText('pyproject.toml');
  if (pyprojectText !== null) {
    const parsed = tomlEntries(pyprojectText, 'pyproject.toml');
    if (typeof parsed === 'string') return { skip: parsed };
    pyproject = parsed;
  }
  const config = configReason(directory, pyproject);
  if (config) return { skip: config };
  const extra = ['pyproject.toml', ...CONFIG_FILES].filter((file) => directory.isSent(file) && !plan.reads.includes(file));
  return { reads: [...plan.reads, ...extra], writes: ['.venv'] };
}

/** uv settings (in pyproject.toml's [tool.uv] or uv.toml) that read local folders or move the cache. */
function configReason(directory: InstallDirectory, pyproject: TomlEntry[]): string | null {
  const settings: { file: string; entry: TomlEntry; name: string }[] = [];
  for (const entry of pyproject) {
    if (entry.table === 'tool.uv' || entry.table.startsWith('tool.uv.')) {
      settings.push({ file: 'pyproject.toml', entry, name: `${entry.table.slice('tool.uv'.length).replace(/^\./, '')}${entry.table === 'tool.uv' ? '' : '.'}${entry.key}` });
    }
  }
  const badUvToml = unreadable(directory, 'uv.toml');
  if (badUvToml) return badUvToml;
  const uvToml = directory.readText('uv.toml');
  if (uvToml !== null) {
    const parsed = tomlEntries(uvToml, 'uv.toml');
    if (typeof parsed === 'string') return parsed;
    for (const entry of parsed) settings.push({ file: 'uv.toml', entry, name: entry.table ? `${entry.table}.${entry.key}` : entry.key });
  }
  for (const { file, entry, name } of settings) {
    const key = name.replace(/^pip\./, '');
    if (/^(find-links|index-url|extra-index-url|index\.url|sources\..*)$/.test(key) || key === 'index.url') {
      const values = tomlStringArray(entry.value) ?? [tomlString(entry.value) ?? ''];
      const table = tomlInlineTable(entry.value);
      if (table) {
        if (['path', 'workspace', 'editable'].some((local) => table.has(local))) return `${file} points uv at a local path (${name})`;
        continue;
      }
      const local = values.find((value) => !isRemote(value));
      if (local !== undefined) return `${file} points uv at the local folder ${local || '?'} (${name})`;
    }
    if (key === 'cache-dir') {
      const dir = tomlString(entry.value);
      if (dir === null || !dir.startsWith('/')) return `${file} puts uv's cache inside the project (cache-dir)`;
    }
  }
  return null;
}

/** Why a uv.lock `source = { … }` names files on disk other than the project itself. */
function lockSourceReason(value: string): string | null {
  const table = tomlInlineTable(value);
  if (!table) return `uv.lock has a package source dockeropt cannot read: ${value}`;
  for (const [kind, raw] of table) {
    const target = tomlString(raw);
    if (target === null) return `uv.lock has a package source dockeropt cannot read: ${value}`;
    if (kind === 'virtual' || kind === 'editable') {
      if (path.posix.normalize(target) !== '.') return `uv.lock installs the local package ${target}`;
    } else if (kind === 'registry' || kind === 'url') {
      if (!isRemote(target)) return `uv.lock installs a package from the local path ${target}`;
    } else if (kind !== 'git') {
      return `uv.lock installs a package from the local ${kind} ${target}`;
    }
  }
  return null;
}
