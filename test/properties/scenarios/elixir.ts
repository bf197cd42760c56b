/**
 * Mix projects: `mix deps.get --check-locked` (or without the flag), with `mix deps.compile`,
 * Hex and rebar installed in an earlier RUN or in the same one, mix.lock present or not, config
 * files (compile-time ones that `deps.compile` reads, runtime.exs that it does not, one that
 * reads a file), mix.exs with a `path:` dependency or a version read from a file, and deps/ or
 * _build/ sent in the context.
 */
import fc from 'fast-check';
import { ignoreArb, middleArb, oneIn, weighted, type EcosystemScenarios, type Files } from './common.js';

const HEX = 'mix local.hex --force && mix local.rebar --force';

export const mix: EcosystemScenarios = {
  ecosystem: 'mix',
  base: 'elixir:1.16',
  cmd: ['mix', 'run', '--no-halt'],
  project: fc
    .record({
      middle: middleArb(['ENV MIX_ENV=prod']),
      hex: fc.constantFrom('earlier-run', 'earlier-run', 'same-run'),
      command: weighted(
        ['mix deps.get --check-locked', 2],
        ['mix deps.get --only prod --check-locked', 1],
        ['mix deps.get --check-locked && mix deps.compile', 2],
        ['mix deps.get', 1],
      ),
      deps: fc.subarray(['jason', 'plug', 'telemetry'], { minLength: 1 }),
      lockfile: weighted([true, 5], [false, 1]),
      config: weighted<string | null>([null, 2], ['env-files', 3], ['reads-file', 1]),
      extra: weighted<string | null>([null, 6], ['path-dep', 1], ['version-file', 1]),
      depsSent: oneIn(3),
      buildSent: oneIn(4),
      ignore: ignoreArb(['deps', '_build', '*.md', 'config/prod.exs', 'test'], ['mix.lock', 'config']),
      then: fc.constantFrom(null, 'mix compile', 'mix release', 'cp lib/app.ex built.ex'),
    })
    .map((s) => {
      const deps = [...s.deps.map((d) => `{:${d}, "~> 1.0"}`), ...(s.extra === 'path-dep' ? ['{:mylib, path: "vendor/mylib"}'] : [])];
      const mixExs = [
        'defmodule App.MixProject do',
        '  use Mix.Project',
        '',
        '  def project do',
        `    [app: :app, version: ${s.extra === 'version-file' ? 'File.read!("VERSION") |> String.trim()' : '"0.1.0"'}, elixir: "~> 1.16", deps: deps()]`,
        '  end',
        '',
        '  def application do',
        '    [extra_applications: [:logger]]',
        '  end',
        '',
        '  defp deps do',
        '    [',
        deps.map((d) => `      ${d}`).join(',\n'),
        '    ]',
        '  end',
        'end',
        '',
      ];
      const files: Files = { 'mix.exs': mixExs.join('\n'), 'lib/app.ex': 'defmodule App do\nend\n', 'README.md': '# app\n', 'test/app_test.exs': '\n', VERSION: '0.1.0\n' };
      if (s.lockfile) files['mix.lock'] = `%{\n${s.deps.map((d) => `  "${d}": {:hex, :${d}, "1.0.0", "abc", [:mix], [], "hexpm", "def"},`).join('\n')}\n}\n`;
      if (s.config) {
        const reads = s.config === 'reads-file' ? 'config :app, version: File.read!("VERSION")\n' : '';
        files['config/config.exs'] = `import Config\n\nconfig :app, greeting: "hi"\n${reads}\nimport_config "#{config_env()}.exs"\n`;
        files['config/dev.exs'] = 'import Config\n\nconfig :app, debug: true\n';
        files['config/prod.exs'] = 'import Config\n\nconfig :app, debug: false\n';
        files['config/runtime.exs'] = 'import Config\n\nconfig :app, port: System.get_env("PORT")\n';
      }
      if (s.extra === 'path-dep') files['vendor/mylib/mix.exs'] = 'defmodule Mylib.MixProject do\nend\n';
      if (s.depsSent) files['deps/stale/mix.exs'] = 'defmodule Stale.MixProject do\nend\n';
      if (s.buildSent) files['_build/dev/lib/stale/ebin/stale.app'] = '{application, stale, []}.\n';
      return {
        files,
        ignore: s.ignore,
        before: s.hex === 'earlier-run' ? [`RUN ${HEX}`] : [],
        middle: s.middle,
        install: s.hex === 'same-run' ? `${HEX} && ${s.command}` : s.command,
        then: s.then,
      };
    }),
};
