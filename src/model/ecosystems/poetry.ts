/**
 * Poetry: `poetry install --no-root` (with `--only`, `--with`, `--without`, `--sync`, `--extras`,
 * `--no-interaction`, `--no-ansi`, …).
 *
 * It reads pyproject.toml, poetry.lock and poetry.toml, and writes the virtualenv: outside the
 * project unless poetry.toml or POETRY_VIRTUALENVS_IN_PROJECT says `.venv`, which is listed
 * either way. It may also create or remove `.poetry/` (the project-plugin cache). With a lockfile
 * it installs from it and never rewrites it (Installer: the lock is written only on update); with
 * none it resolves and writes poetry.lock: skipped.
 *
 * Skipped: an install without `--no-root` (Poetry then installs the project itself from its
 * sources) unless `package-mode = false`; `--only-root`; `requires-plugins` (Poetry installs and
 * runs those plugins) unless `--no-plugins`; a lockfile package from a local folder (unless
 * `--no-directory`) or file; a poetry.toml that puts the virtualenv or cache at a relative path.
 */
import { tomlEntries, tomlString, type TomlEntry } from './config-text.js';
import { parseWords, unreadable, type Ecosystem, type InstallDirectory, type InstallPlan } from './types.js';

const FLAGS = {
  boolean: [
    '--no-root', '--no-interaction', '-n', '--no-ansi', '--ansi', '--sync', '--no-directory', '--all-extras', '--all-groups',
    '--compile', '--quiet', '-q', '--verbose', '-v', '-vv', '-vvv', '--no-cache', '--no-plugins', '--no-dev', '--remove-untracked',
  ],
  valued: ['--only', '--with', '--without', '--extras', '-E'],
};

interface Options {
  noRoot: boolean;
  noDirectory: boolean;
  noPlugins: boolean;
}

export const poetry: Ecosystem = {
  id: 'poetry',
  match(words) {
    if (words[0] !== 'poetry') return null;
    const verb = words[1];
    if (verb === 'add' || verb === 'remove' || verb === 'update' || verb === 'lock') {
      return { skip: `\`poetry ${verb}\` rewrites pyproject.toml or poetry.lock, which the later COPY would overwrite` };
    }
    if (verb !== 'install') return null;
    const { flags, positionals, unknown } = parseWords(words.slice(2), FLAGS);
    if (unknown.length > 0) return { skip: `poetry flag ${unknown[0]} is not known to be safe to split` };
    if (positionals.length > 0) return { skip: `\`poetry install\` takes no arguments here (${positionals[0]})` };
    const options = { noRoot: flags.has('--no-root'), noDirectory: flags.has('--no-directory'), noPlugins: flags.has('--no-plugins') };
    return { ecosystem: 'poetry', display: words.join(' '), plan: (directory) => planPoetryInstall(directory, options) };
  },
};

function planPoetryInstall(directory: InstallDirectory, options: Options): InstallPlan {
  const pyprojectText = directory.readText('pyproject.toml');
  if (pyprojectText === null) return { skip: unreadable(directory, 'pyproject.toml') ?? 'pyproject.toml is not in the build context' };
  const pyproject = tomlEntries(pyprojectText, 'pyproject.toml');
  if (typeof pyproject === 'string') return { skip: pyproject };
  const packageMode = pyproject.find((entry) => entry.table === 'tool.poetry' && entry.key === 'package-mode');
  if (!options.noRoot && packageMode?.value !== 'false') {
    return { skip: '`poetry install` installs the project itself, which reads its sources; add --no-root' };
  }
  const plugins = pyproject.some((entry) => entry.table === 'tool.poetry.requires-plugins' || (entry.table === 'tool.poetry' && entry.key.startsWith('requires-plugins')));
  if (plugins && !options.noPlugins) return { skip: 'pyproject.toml requires Poetry plugins, which Poetry installs into .poetry/ and runs during the install' };

  const lockText = directory.readText('poetry.lock');
  if (lockText === null) return { skip: unreadable(directory, 'poetry.lock') ?? 'the build context has no poetry.lock, so Poetry would resolve the dependencies and write one' };
  const lock = tomlEntries(lockText, 'poetry.lock');
  if (typeof lock === 'string') return { skip: lock };
  for (const entry of lock) {
    if (entry.table !== 'package.source' || entry.key !== 'type') continue;
    const type = tomlString(entry.value);
    if (type === 'file' || (type === 'directory' && !options.noDirectory)) {
      return { skip: `poetry.lock installs a package from a local ${type}${type === 'directory' ? ' (add --no-directory if it is not needed here)' : ''}` };
    }
  }
  const config = poetryTomlReason(directory);
  if (config) return { skip: config };
  const reads = ['pyproject.toml', 'poetry.lock', ...['poetry.toml'].filter((file) => directory.isSent(file))];
  return { reads, writes: ['.venv', '.poetry'] };
}

/** poetry.toml settings that put Poetry's files at a path inside the project. */
function poetryTomlReason(directory: InstallDirectory): string | null {
  const text = directory.readText('poetry.toml');
  if (text === null) return unreadable(directory, 'poetry.toml');
  const entries = tomlEntries(text, 'poetry.toml');
  if (typeof entries === 'string') return entries;
  const setting = (entry: TomlEntry) => (entry.table ? `${entry.table}.${entry.key}` : entry.key);
  for (const entry of entries) {
    const name = setting(entry);
    if (name === 'cache-dir' || name === 'virtualenvs.path') {
      const value = tomlString(entry.value);
      if (value === null || !value.startsWith('/')) return `poetry.toml sets ${name} to a path dockeropt cannot place`;
    }
  }
  return null;
}
