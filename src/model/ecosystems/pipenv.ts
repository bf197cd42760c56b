/**
 * Pipenv: `pipenv install --deploy` (also with `--system`, `--dev`, …), `pipenv install
 * --ignore-pipfile` and `pipenv sync`.
 *
 * They read Pipfile, Pipfile.lock and .env (pipenv loads it into the environment for every
 * command), and write the virtualenv: outside the project unless PIPENV_VENV_IN_PROJECT is set or
 * a `.venv` exists, so `.venv` is listed. `pipenv install` re-locks and rewrites Pipfile.lock when
 * the Pipfile's hash changed, unless `--deploy` (abort instead) or `--ignore-pipfile` (install
 * from the lock as it is) is given: without them it is skipped. `pipenv sync` never writes it.
 *
 * Also skipped: a missing Pipfile.lock (Pipenv would create it), lockfile entries that install a
 * local path or file or an editable package, and a Pipfile `[[source]]` that is a local folder.
 */
import { tomlEntries, tomlString } from './config-text.js';
import { parseWords, unreadable, type Ecosystem, type InstallDirectory, type InstallPlan } from './types.js';

const FLAGS = {
  boolean: ['--deploy', '--system', '--ignore-pipfile', '--dev', '-d', '--site-packages', '--clear', '--quiet', '-q', '--verbose', '-v'],
  valued: ['--categories', '--python', '--extra-pip-args', '--pypi-mirror'],
};

export const pipenv: Ecosystem = {
  id: 'pipenv',
  match(words) {
    if (words[0] !== 'pipenv') return null;
    const verb = words[1];
    if (verb === 'lock' || verb === 'update' || verb === 'upgrade' || verb === 'uninstall') {
      return { skip: `\`pipenv ${verb}\` rewrites Pipfile or Pipfile.lock, which the later COPY would overwrite` };
    }
    if (verb !== 'install' && verb !== 'sync') return null;
    const { flags, positionals, unknown } = parseWords(words.slice(2), FLAGS);
    if (unknown.length > 0) return { skip: `pipenv flag ${unknown[0]} is not known to be safe to split` };
    if (positionals.length > 0) return { skip: `\`pipenv ${verb} ${positionals[0]}\` adds a package, which rewrites Pipfile and Pipfile.lock` };
    if (verb === 'install' && !flags.has('--deploy') && !flags.has('--ignore-pipfile')) {
      return { skip: '`pipenv install` may rewrite Pipfile.lock, which the later COPY would overwrite; add --deploy or use `pipenv sync`' };
    }
    return { ecosystem: 'pipenv', display: words.join(' '), plan: planPipenv };
  },
};

function planPipenv(directory: InstallDirectory): InstallPlan {
  const pipfile = directory.readText('Pipfile');
  if (pipfile === null) return { skip: unreadable(directory, 'Pipfile') ?? 'Pipfile is not in the build context' };
  const lockText = directory.readText('Pipfile.lock');
  if (lockText === null) return { skip: unreadable(directory, 'Pipfile.lock') ?? 'the build context has no Pipfile.lock, so Pipenv would lock the dependencies and write one' };
  const entries = tomlEntries(pipfile, 'Pipfile');
  if (typeof entries === 'string') return { skip: entries };
  for (const entry of entries) {
    if (entry.table === 'source' && entry.key === 'url') {
      const url = tomlString(entry.value) ?? '';
      if (!/^https?:\/\//.test(url) && !url.includes('${')) return { skip: `the Pipfile source ${url} is not a remote index` };
    }
  }
  let lock: unknown;
  try {
    lock = JSON.parse(lockText);
  } catch {
    return { skip: 'Pipfile.lock is not valid JSON' };
  }
  if (typeof lock !== 'object' || lock === null) return { skip: 'Pipfile.lock is not a JSON object' };
  for (const [section, packages] of Object.entries(lock as Record<string, unknown>)) {
    if (section === '_meta' || typeof packages !== 'object' || packages === null) continue;
    for (const [name, spec] of Object.entries(packages as Record<string, unknown>)) {
      if (typeof spec !== 'object' || spec === null) continue;
      const { path, file, editable } = spec as { path?: unknown; file?: unknown; editable?: unknown };
      if (path !== undefined || editable === true) return { skip: `Pipfile.lock installs ${name} from a local path` };
      if (typeof file === 'string' && !/^https?:\/\//.test(file)) return { skip: `Pipfile.lock installs ${name} from the local file ${file}` };
    }
  }
  return { reads: ['Pipfile', 'Pipfile.lock', ...['.env'].filter((file) => directory.isSent(file))], writes: ['.venv'] };
}
