/**
 * pip: `pip install -r FILE` (also `pip3`, `python -m pip`, `python3 -m pip`).
 *
 * pip reads the requirements files it is given, and the ones they name with `-r`/`-c`, each
 * relative to the folder of the file that names it. It writes to site-packages and its cache,
 * outside the install directory. Skipped: `pip install .`, `-e`, and any requirement that is a
 * local path or URL to a file (those read source files), and `--target`/`--prefix`/`--src`, which
 * may write into the directory.
 */
import path from 'node:path';
import { parseWords, type Ecosystem, type InstallDirectory, type InstallPlan } from './types.js';

const FLAGS = {
  boolean: [
    '--no-cache-dir', '--upgrade', '-U', '--user', '--no-deps', '--prefer-binary', '--require-hashes', '--quiet', '-q',
    '-qq', '--verbose', '-v', '--disable-pip-version-check', '--no-warn-script-location', '--break-system-packages',
    '--pre', '--force-reinstall', '--ignore-installed', '-I', '--no-compile', '--compile', '--no-input', '--isolated',
    '--no-build-isolation', '--upgrade-strategy', '--no-color',
  ],
  valued: [
    '-r', '--requirement', '-c', '--constraint', '-i', '--index-url', '--extra-index-url', '--trusted-host',
    '--only-binary', '--no-binary', '--root-user-action', '--progress-bar', '--timeout', '--retries', '-f',
    '--find-links', '--platform', '--python-version', '--implementation', '--abi', '--upgrade-strategy',
  ],
};

/** A positional that names a package from an index, not a path or URL. */
export const INDEX_REQUIREMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9,._-]+\])?\s*([<>=!~]=?[^\s/\\]*)?(,\s*[<>=!~]=?[^\s/\\]*)*$/;

export const pip: Ecosystem = {
  id: 'pip',
  match(words) {
    const start = pipStart(words);
    if (start === null || words[start] !== 'install') return null;
    const { flags, positionals, unknown } = parseWords(words.slice(start + 1), FLAGS);
    if (unknown.length > 0) return { skip: `pip flag ${unknown[0]} is not known to be safe to split` };
    const local = positionals.find((p) => !INDEX_REQUIREMENT.test(p));
    if (local !== undefined) return { skip: `\`pip install ${local}\` reads files from the context beyond the requirements` };
    const requirementFiles = [...(flags.get('-r') ?? []), ...(flags.get('--requirement') ?? [])];
    const constraintFiles = [...(flags.get('-c') ?? []), ...(flags.get('--constraint') ?? [])];
    if (requirementFiles.length === 0) return null;
    const findLinks = [...(flags.get('-f') ?? []), ...(flags.get('--find-links') ?? [])];
    if (findLinks.some((link) => !/^https?:/.test(link))) return { skip: '--find-links points at a local folder' };
    return {
      ecosystem: 'pip',
      display: words.join(' '),
      plan: (directory) => planRequirements(directory, [...requirementFiles, ...constraintFiles]),
    };
  },
};

/** Index of the pip subcommand, or null when the words do not run pip. */
function pipStart(words: string[]): number | null {
  if (/^(pip|pip3(\.\d+)?)$/.test(words[0] ?? '')) return 1;
  if (/^(python|python3(\.\d+)?)$/.test(words[0] ?? '') && words[1] === '-m' && words[2] === 'pip') return 3;
  return null;
}

/** Reads the requirements files and those they name; a skip when one names a local path. Shared with `uv pip`. */
export function planRequirements(directory: InstallDirectory, roots: string[]): InstallPlan {
  const reads: string[] = [];
  const queue = roots.map((file) => path.posix.normalize(file));
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (file.startsWith('/') || file.startsWith('..')) return { skip: `the requirements file ${file} is outside the copied folder` };
    if (reads.includes(file)) continue;
    const text = directory.readText(file);
    if (text === null) return { skip: `${file} is not in the build context` };
    reads.push(file);
    for (const rawLine of text.split(/\r?\n/)) {
      const line = rawLine.replace(/(^|\s)#.*$/, '').trim();
      if (!line) continue;
      const nested = /^(-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)$/.exec(line);
      if (nested) {
        queue.push(path.posix.join(path.posix.dirname(file), nested[2]!));
        continue;
      }
      if (/^(-e|--editable)\b/.test(line)) return { skip: `${file} installs an editable (local) package: ${line}` };
      if (/^(-f|--find-links)\b/.test(line) && !/https?:/.test(line)) return { skip: `${file} uses a local --find-links folder` };
      if (line.startsWith('-')) continue;
      const requirement = line.split(';')[0]!.trim();
      if (/^(\.|\/|~|file:)/.test(requirement) || /@\s*file:/.test(requirement) || directory.isSent(requirement)) {
        return { skip: `${file} names the local path ${requirement}` };
      }
    }
  }
  return { reads, writes: [] };
}
