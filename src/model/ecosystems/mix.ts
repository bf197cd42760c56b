/**
 * Mix (Elixir): `mix deps.get --check-locked` and `mix deps.compile`, and `mix local.hex` /
 * `mix local.rebar` as setup steps before them in the same chain.
 *
 * Every mix task evaluates mix.exs and then, through `loadconfig`, config/config.exs and the
 * files it imports (Mix.CLI runs loadconfig before any task), so all of them read mix.exs and
 * every .exs file under config/. `deps.get` also reads mix.lock and writes deps/ (and _build/
 * through will_recompile); `deps.compile` compiles deps/ into _build/. `deps.get` rewrites
 * mix.lock when it is out of date (Mix.Dep.Lock.write), unless `--check-locked` makes it fail
 * instead: without that flag it is skipped.
 *
 * mix.exs and the config files are Elixir: those that read other files or run commands
 * (File., Code., System.cmd, Path.wildcard, :os.cmd, …), an `import_config` outside config/,
 * umbrella projects (`apps_path`, `in_umbrella`), `path:` dependencies, and settings that move
 * the lockfile, deps, build or config folders are skipped.
 */
import { parseWords, unreadable, type Ecosystem, type InstallDirectory, type InstallPlan } from './types.js';
import { stripHashComment } from './config-text.js';

/**
 * Ways evaluating mix.exs or a config file reaches other files or commands. Dependencies are not
 * compiled yet when these run, so the standard library is all they can call.
 */
const RISKY = /\b(File|Code|Port|EEx|Config\.Reader|Mix\.Tasks?|Mix\.Project\.in_project|Kernel\.ParallelCompiler|Module\.concat)\b|\bPath\.wildcard|\bIO\.(read|binread|stream|binstream)|\bSystem\.(cmd|shell)|:(os|file|erlang|prim_file|code)\.|\bapply\s*\(|\bString\.to_(existing_)?atom/;
const MOVED = /\b(apps_path|in_umbrella|config_path|lockfile|deps_path|build_path|path):/;
const ALIASED = /["']?(deps\.get|deps\.compile|local\.hex|local\.rebar|loadconfig)["']?\s*:/;

export const mix: Ecosystem = {
  id: 'mix',
  match(words) {
    if (words[0] !== 'mix') return null;
    const task = words[1];
    if (task === 'deps.update' || task === 'deps.unlock') return { skip: `\`mix ${task}\` rewrites mix.lock, which the later COPY would overwrite` };
    if (task === 'local.hex' || task === 'local.rebar') {
      const { unknown, positionals } = parseWords(words.slice(2), { boolean: ['--force', '--if-missing'], valued: [] });
      if (unknown.length > 0 || positionals.length > 0) return { skip: `\`mix ${task} ${words.slice(2).join(' ')}\` is not known to be safe to split` };
      return { ecosystem: 'mix', display: words.join(' '), setupOnly: true, plan: (directory) => planMix(directory, false) };
    }
    if (task !== 'deps.get' && task !== 'deps.compile') return null;
    const known = task === 'deps.get'
      ? { boolean: ['--check-locked', '--no-archives-check'], valued: ['--only', '--target'] }
      : { boolean: ['--force', '--skip-umbrella-children', '--skip-local-deps'], valued: [] };
    const { flags, positionals, unknown } = parseWords(words.slice(2), known);
    if (unknown.length > 0) return { skip: `mix flag ${unknown[0]} is not known to be safe to split` };
    if (positionals.length > 0) return { skip: `\`mix ${task}\` with named dependencies (${positionals[0]}) is not split` };
    if (task === 'deps.get' && !flags.has('--check-locked')) {
      return { skip: '`mix deps.get` rewrites mix.lock when it is out of date, which the later COPY would overwrite; add --check-locked' };
    }
    return { ecosystem: 'mix', display: words.join(' '), plan: (directory) => planMix(directory, task === 'deps.get') };
  },
};

function planMix(directory: InstallDirectory, needsLock: boolean): InstallPlan {
  const mixExs = directory.readText('mix.exs');
  if (mixExs === null) return { skip: unreadable(directory, 'mix.exs') ?? 'mix.exs is not in the build context' };
  const mixReason = elixirReason(mixExs, 'mix.exs');
  if (mixReason) return { skip: mixReason };
  const moved = MOVED.exec(stripElixirComments(mixExs));
  if (moved) return { skip: `mix.exs uses \`${moved[1]}:\`, which makes mix read or write files elsewhere` };
  const aliased = ALIASED.exec(stripElixirComments(mixExs));
  if (aliased) return { skip: `mix.exs aliases ${aliased[1]}, so the task runs other tasks` };
  if (needsLock && !directory.isSent('mix.lock')) return { skip: 'the build context has no mix.lock, so mix deps.get would write one' };

  const config = directory.isSentDirectory('config') ? directory.sentUnder('config') : [];
  if (config === 'too-many') return { skip: 'too many files under config/' };
  // runtime.exs is evaluated when the application starts, not by these tasks.
  const configFiles = config.filter((file) => file.endsWith('.exs') && file !== 'config/runtime.exs');
  for (const file of configFiles) {
    const text = directory.readText(file);
    if (text === null) return { skip: `${file} cannot be read` };
    const reason = elixirReason(text, file);
    if (reason) return { skip: reason };
    for (const [, target] of stripElixirComments(text).matchAll(/\bimport_config\b\s*\(?\s*(\S*)/g)) {
      const literal = /^"((?:[^"\\]|\\.)*)"/.exec(target!)?.[1];
      if (literal === undefined || literal.includes('/')) return { skip: `${file} imports ${target}, which dockeropt cannot place` };
    }
  }
  const reads = ['mix.exs', ...(directory.isSent('mix.lock') ? ['mix.lock'] : []), ...configFiles];
  return { reads, writes: ['deps', '_build'] };
}

/** Why evaluating this Elixir file may read other files or run commands. */
function elixirReason(text: string, file: string): string | null {
  const risky = RISKY.exec(stripElixirComments(text));
  return risky ? `${file} uses ${risky[0].replace(/\.$/, '')}, so evaluating it may read files dockeropt cannot see` : null;
}

function stripElixirComments(text: string): string {
  return text.split(/\r?\n/).map(stripHashComment).join('\n');
}
