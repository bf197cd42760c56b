/**
 * Bundler: `bundle install` (and bare `bundle`), run frozen; `bundle config set … frozen|deployment
 * true` earlier in the same `&&` chain counts.
 *
 * It reads the Gemfile (or gems.rb, which Bundler prefers), Gemfile.lock (gems.locked), .bundle/config,
 * the file `ruby file:` names, and vendor/cache when the context has it. Unfrozen, Bundler
 * rewrites the lockfile whenever its own rendering differs (a newer major in BUNDLED WITH, a new
 * platform, CHECKSUMS; definition.rb write_lock) and refreshes vendor/cache: so it must run frozen
 * (`--frozen`/`--deployment` in Bundler 2, removed in 4, or `bundle config set [--local] frozen
 * true` / `deployment true` in the same chain; BUNDLE_FROZEN in the environment is not visible
 * here, and .bundle/config is not read when BUNDLE_APP_CONFIG points elsewhere, as in the ruby
 * images). It writes the gems to BUNDLE_PATH (`vendor/bundle` with deployment, or the `--path`),
 * and Bundler 2 stores flags such as `--deployment` in .bundle/config, as `config set --local`
 * does: both are listed as written.
 *
 * The Gemfile is Ruby: only the usual declarations are accepted (source, ruby, gem with literal
 * options, group/platforms/git/source blocks, a one-line git_source), anything else is skipped
 * rather than guessed. `gemspec` is skipped: the gemspec usually runs `git ls-files` and requires
 * a version file, which cannot be bounded. So are `path:` gems and `path` blocks, `eval_gemfile`,
 * `install_if`, plugins, a PATH section in the lockfile, and a missing lockfile (Bundler writes one).
 */
import path from 'node:path';
import { parseWords, unreadable, type Ecosystem, type InstallCommand, type InstallDirectory, type InstallPlan } from './types.js';
import { stripHashComment } from './config-text.js';

const INSTALL_FLAGS = {
  boolean: [
    '--frozen', '--deployment', '--quiet', '--no-cache', '--local', '--prefer-local', '--clean', '--no-prune', '--force',
    '--redownload', '--full-index', '--verbose', '--no-color',
  ],
  valued: ['--path', '--jobs', '-j', '--retry', '--trust-policy', '--without', '--with'],
};
/** Settings `bundle config set` may store in a chain before the install. */
const CONFIG_KEYS = new Set(['frozen', 'deployment', 'path', 'without', 'with', 'jobs', 'retry', 'clean', 'silence_root_warning', 'force_ruby_platform', 'no_prune']);

interface InstallOptions {
  frozen: boolean;
  deployment: boolean;
  path: string | null;
  /** Bundler 2 stores these flags in .bundle/config. */
  remembers: boolean;
  /** An earlier `bundle config set --local` in the chain writes .bundle/config. */
  localConfig: boolean;
}

export const bundler: Ecosystem = {
  id: 'bundler',
  match(words, earlier = []) {
    if (words[0] !== 'bundle' && words[0] !== 'bundler') return null;
    const verb = words[1];
    if (verb === 'config') return matchConfig(words);
    if (verb === 'update' || verb === 'add' || verb === 'remove' || verb === 'lock') {
      return { skip: `\`bundle ${verb}\` rewrites the Gemfile or Gemfile.lock, which the later COPY would overwrite` };
    }
    if (verb !== undefined && verb !== 'install' && !verb.startsWith('-')) return null;
    const { flags, positionals, unknown } = parseWords(collapseArrays(words.slice(verb === 'install' ? 2 : 1)), INSTALL_FLAGS);
    if (unknown.length > 0) return { skip: `bundler flag ${unknown[0]} is not known to be safe to split` };
    if (positionals.length > 0) return { skip: `\`bundle install\` takes no arguments here (${positionals[0]})` };
    const settings: Record<string, string> = {};
    for (const command of earlier) if (command.ecosystem === 'bundler') Object.assign(settings, command.sets ?? {});
    const options: InstallOptions = {
      frozen: flags.has('--frozen') || settings.frozen === 'true',
      deployment: flags.has('--deployment') || settings.deployment === 'true',
      path: flags.get('--path')?.at(-1) ?? settings.path ?? null,
      remembers: ['--frozen', '--deployment', '--path', '--without', '--with', '--clean', '--no-prune'].some((flag) => flags.has(flag)),
      localConfig: earlier.some((command) => command.ecosystem === 'bundler' && command.sets?.['.local'] === 'true'),
    };
    if (!options.frozen && !options.deployment) {
      return { skip: '`bundle install` may rewrite Gemfile.lock (BUNDLED WITH, PLATFORMS, CHECKSUMS), which the later COPY would overwrite; run `bundle config set --local frozen true &&` before it in the same RUN' };
    }
    return { ecosystem: 'bundler', display: words.join(' '), plan: (directory) => planBundleInstall(directory, options), ancestorFiles: ['.bundle'] };
  },
};

/** Thor array options (`--without a b`) as one `--without=a b` word. */
function collapseArrays(words: string[]): string[] {
  const result: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if ((word === '--without' || word === '--with') && i + 1 < words.length) {
      const values: string[] = [];
      while (i + 1 < words.length && !words[i + 1]!.startsWith('-')) values.push(words[++i]!);
      result.push(`${word}=${values.join(' ')}`);
    } else {
      result.push(word);
    }
  }
  return result;
}

/** `bundle config set [--local|--global] KEY VALUE` and the older `bundle config [--local] KEY VALUE`. */
function matchConfig(words: string[]): InstallCommand | { skip: string } | null {
  const rest = words.slice(2);
  if (rest[0] === 'set') rest.shift();
  else if (['get', 'unset', 'list'].includes(rest[0] ?? '') || rest.length === 0) return null;
  const scope = rest[0] === '--local' || rest[0] === '--global' ? rest.shift()! : null;
  const [key, ...values] = rest;
  if (key === undefined || values.length === 0 || key.startsWith('-')) return null;
  if (!CONFIG_KEYS.has(key)) return { skip: `\`bundle config ${key}\` is not known to be safe to split` };
  const local = scope !== '--global';
  return {
    ecosystem: 'bundler',
    display: words.join(' '),
    setupOnly: true,
    sets: { [key]: values.join(' '), ...(local ? { '.local': 'true' } : {}) },
    plan: (directory) => ({ reads: directory.isSent('.bundle/config') ? ['.bundle/config'] : [], writes: ['.bundle/config'] }),
    ancestorFiles: ['.bundle'],
  };
}

function planBundleInstall(directory: InstallDirectory, options: InstallOptions): InstallPlan {
  const gemfile = directory.isSent('gems.rb') ? 'gems.rb' : 'Gemfile';
  const lockfile = gemfile === 'gems.rb' ? 'gems.locked' : 'Gemfile.lock';
  const text = directory.readText(gemfile);
  if (text === null) return { skip: unreadable(directory, gemfile) ?? `${gemfile} is not in the build context` };
  const lock = directory.readText(lockfile);
  if (lock === null) return { skip: unreadable(directory, lockfile) ?? `the build context has no ${lockfile}, so Bundler would resolve the gems and write one` };
  const gemfileReads = checkGemfile(text, gemfile);
  if (typeof gemfileReads === 'string') return { skip: gemfileReads };
  if (/^PATH$/m.test(lock)) return { skip: `${lockfile} has a PATH section: gems from local folders read their sources` };
  if (/^PLUGIN SOURCE$/m.test(lock)) return { skip: `${lockfile} has a PLUGIN SOURCE section: Bundler plugins run their own code` };
  for (const file of gemfileReads) if (!directory.isSent(file)) return { skip: `${gemfile} reads ${file}, which is not in the build context` };

  const writes = new Set<string>();
  const badConfig = unreadable(directory, '.bundle/config');
  if (badConfig) return { skip: badConfig };
  const config = directory.readText('.bundle/config');
  if (config !== null) {
    const setting = /^BUNDLE_(GEMFILE|APP_CONFIG|CACHE_PATH|BIN|PLUGINS):/m.exec(config);
    if (setting) return { skip: `.bundle/config sets BUNDLE_${setting[1]}, which dockeropt does not follow yet` };
    const configPath = /^BUNDLE_PATH:\s*"?([^"\n]+)"?\s*$/m.exec(config)?.[1];
    if (configPath && !options.path) writes.add(configPath);
  }
  if (options.remembers || options.localConfig) writes.add('.bundle/config');
  const gemPath = options.path ?? (options.deployment ? 'vendor/bundle' : null);
  if (gemPath) writes.add(gemPath);
  const inside = [...writes].map((file) => path.posix.normalize(file)).filter((file) => !file.startsWith('/') && !file.startsWith('~') && !file.startsWith('$'));
  if (inside.some((file) => file.startsWith('..'))) return { skip: 'BUNDLE_PATH points outside the copied folder' };

  const cache = directory.isSentDirectory('vendor/cache') ? directory.sentUnder('vendor/cache') : [];
  if (cache === 'too-many') return { skip: 'too many files under vendor/cache' };
  const reads = [gemfile, lockfile, ...gemfileReads, ...(config !== null ? ['.bundle/config'] : []), ...cache];
  return { reads, writes: inside };
}

const STR = String.raw`(?:"(?:[^"\\#]|\\.|#(?!\{))*"|'(?:[^'\\]|\\.)*')`;
const SYM = String.raw`:[A-Za-z_]\w*[?!]?`;
const LIST = String.raw`(?:%[iw]\[[\w\s]*\]|%[iw]\([\w\s]*\)|\[\s*(?:(?:${SYM}|${STR})\s*,?\s*)*\])`;
const VALUE = String.raw`(?:${STR}|${SYM}|${LIST}|true|false|nil|\d+)`;
const OPTION = String.raw`(?:[a-z_]+:\s*${VALUE}|${SYM}\s*=>\s*${VALUE})`;
const GEMFILE_LINES: RegExp[] = [
  new RegExp(String.raw`^source\s*\(?\s*${STR}\s*\)?(\s+do)?$`),
  new RegExp(String.raw`^ruby\s*\(?\s*${STR}(\s*,\s*(${STR}|${OPTION}))*\s*\)?$`),
  new RegExp(String.raw`^gem\s*\(?\s*${STR}(\s*,\s*(${STR}|${OPTION}))*\s*\)?$`),
  new RegExp(String.raw`^(group|groups|platforms|platform)\s*\(?\s*(${SYM}|${STR}|${LIST})(\s*,\s*(${SYM}|${STR}|${OPTION}))*\s*\)?\s+do$`),
  new RegExp(String.raw`^(git|github)\s*\(?\s*${STR}(\s*,\s*${OPTION})*\s*\)?\s+do$`),
  new RegExp(String.raw`^git_source\s*\(\s*${SYM}\s*\)\s*\{\s*\|\s*\w+\s*\|\s*"https://[^"#]*#\{\w+\}[^"#]*"\s*\}$`),
  /^end$/,
];

/** The files a Gemfile reads besides itself (`ruby file:`), or why it is skipped. */
function checkGemfile(text: string, gemfile: string): string[] | string {
  const reads: string[] = [];
  const statements: { line: number; text: string }[] = [];
  let pending: { line: number; text: string } | null = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const code = stripHashComment(raw).trim();
    if (pending) pending.text += ` ${code}`;
    else if (code) pending = { line: index + 1, text: code };
    if (pending && !/[,(\[{|\\]$/.test(pending.text)) {
      statements.push(pending);
      pending = null;
    }
  });
  if (pending) return `${gemfile} ends inside a statement`;
  for (const { line, text: statement } of statements) {
    const word = /^[a-z_]+/.exec(statement)?.[0];
    if (word === 'gemspec') return `${gemfile} says \`gemspec\`: the gemspec usually runs \`git ls-files\` and reads a version file, which cannot be bounded`;
    if (word === 'eval_gemfile' || word === 'install_if' || word === 'plugin' || word === 'path') return `${gemfile} uses \`${word}\` (line ${line}), which reads other files`;
    if (/(^|[\s,(])(path:|:path\s*=>)/.test(statement)) return `${gemfile} has a gem from a local path (line ${line})`;
    const rubyFile = new RegExp(String.raw`^ruby\s*\(?\s*file:\s*(${STR})\s*\)?$`).exec(statement);
    if (rubyFile) {
      const file = path.posix.normalize(rubyFile[1]!.slice(1, -1));
      if (file.startsWith('..') || file.startsWith('/')) return `${gemfile} reads ${file}, outside the copied folder`;
      reads.push(file);
      continue;
    }
    if (!GEMFILE_LINES.some((pattern) => pattern.test(statement))) return `${gemfile} line ${line} is Ruby dockeropt cannot check: ${statement.slice(0, 60)}`;
  }
  return reads;
}
