/**
 * multi-stage fixture pairs (test/transforms/fixtures/multi-stage/<case>/, run by the shared
 * fixture runner): every case's options.json gives `unsafe: true`, so output.Dockerfile is what
 * the split writes with consent. Cases named skip-* must leave the file alone and say why;
 * none-* cases are files the transform has nothing to say about. Without consent, every split
 * is a suggestion: the same finding, fixable, not applied, and the file unchanged.
 */
import { describe, expect, it } from 'vitest';
import { optimize } from '../../src/index.js';
import { describeFixtures, fixtureCases } from './fixture-runner.js';

const ID = 'multi-stage';

describeFixtures({
  id: ID,
  minCases: 60,
  reasons: {
    'skip-dev-server-cmd': /^the CMD runs `npm run dev`, a dev or build script$/,
    'skip-npm-start-rebuilds': /`npm start` runs "npm run build && node dist\/server\.js"/,
    'skip-npm-prestart': /runs the "prestart" script first \(npm run build\), which may rebuild at run time/,
    'skip-nodemon-cmd': /nodemon src\/server\.ts`: a dev server that watches the sources/,
    'skip-next-start': /`npx next start`, which needs the package manager and dev dependencies at run time/,
    'skip-shell-cmd-toolchain': /the CMD runs `go run \.`, which needs the build toolchain at run time/,
    'skip-shell-cmd-distroless': /CMD runs through \/bin\/sh, which gcr\.io\/distroless\/static-debian12 does not have/,
    'skip-cmd-not-built': /runs \/src\/start\.sh, which no build step dockeropt understands writes/,
    'skip-cmd-on-path': /runs `server` through PATH \(installed by `go install \.\/cmd\/server`\)/,
    'skip-unknown-run': /`\.\/scripts\/migrate\.sh` in `RUN \.\/scripts\/migrate\.sh` may make files the runtime needs/,
    'skip-no-cmd': /no CMD or ENTRYPOINT/,
    'skip-healthcheck-distroless': /HEALTHCHECK runs `curl`, which gcr\.io\/distroless\/static-debian12 does not have and cannot install/,
    'skip-user-distroless': /creates a user, and gcr\.io\/distroless\/static-debian12 has no shell/,
    'skip-apt-distroless': /the runtime would need ffmpeg, and gcr\.io\/distroless\/static-debian12 has no package manager/,
    'skip-go-cgo-dev-library': /cgo is on and the build installs libsqlite3-dev/,
    'skip-go-output-in-context': /\/src\/app is also a file of the build context/,
    'skip-node-no-context': /the build context is not available/,
    'skip-node-entry-in-sources': /runs server\.js from the sources, not from a build output folder/,
    'skip-node-output-in-context': /dist\/ is in the build context/,
    'skip-node-native-module': /bcrypt runs an install script \(often node-gyp/,
    'skip-node-yarn': /only npm projects are split/,
    'skip-node-workspaces': /workspaces/,
    'skip-node-lifecycle-script': /`prepare` script/,
    'skip-java-classpath': /java without -jar/,
    'skip-java-copy-dependencies': /pom\.xml uses copy-dependencies/,
    'skip-java-spring-boot-run': /`mvn spring-boot:run`, which needs the build toolchain at run time/,
    'skip-dotnet-run': /`dotnet run`, which needs the \.NET SDK at run time/,
    'skip-rust-no-lockfile': /Cargo\.lock is not in the build context/,
    'skip-cargo-run': /`cargo run --release`, which needs the build toolchain/,
    'skip-mix-phx-server': /`mix phx\.server`, which compiles the project with Mix at run time/,
    'skip-python-local-project': /installs a local project or file, which would be built again in the runtime stage/,
    'skip-python-compiles-after-install': /`python setup\.py build_ext --inplace` compiles/,
    'skip-python-runserver': /Django's development server/,
    'skip-shell-instruction': /sets a SHELL/,
    'skip-onbuild': /ONBUILD/,
    'skip-workdir-variable': /WORKDIR uses a variable/,
    'skip-node-digest': /pinned by digest; the digest of its slim variant cannot be known offline \(set the nodeBase option\)/,
    'skip-heredoc-run': /uses a heredoc/,
  },
});

const cases = fixtureCases(ID);
const splits = cases.filter((c) => !c.name.startsWith('skip-') && !c.name.startsWith('none-'));

describe('multi-stage without consent', () => {
  it('has a split for every ecosystem', () => {
    for (const prefix of ['go-', 'node-', 'java-maven', 'java-gradle', 'dotnet-', 'rust-', 'elixir-', 'python-']) {
      expect(splits.some((c) => c.name.startsWith(prefix)), prefix).toBe(true);
    }
  });

  it.each(splits.map((c) => [c.name, c] as const))('%s is a suggestion: fixable, not applied, file unchanged', async (_name, fixture) => {
    const input = fixture.input.toString('utf8');
    const { unsafe: _unsafe, ...options } = fixture.options;
    const result = await optimize(input, options);
    expect(result.output).toBe(input);
    expect(result.passes).toBe(0);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ transform: ID, contract: 'runtime-equivalent', fixable: true, applied: false });
    // The suggestion is the same split that consent applies.
    const applied = await optimize(input, fixture.options);
    expect(applied.findings[0]).toMatchObject({ message: result.findings[0]!.message, applied: true });
    expect(applied.output).toBe(fixture.expected.toString('utf8'));
  });
});

describe('multi-stage has nothing to say', () => {
  it.each(cases.filter((c) => c.name.startsWith('none-')).map((c) => [c.name, c] as const))('%s', async (_name, fixture) => {
    const result = await optimize(fixture.input.toString('utf8'), fixture.options);
    expect(result.findings).toEqual([]);
    expect(result.output).toBe(fixture.input.toString('utf8'));
  });
});

describe('multi-stage with the default transforms', () => {
  it('runs after the identical transforms and splits what they leave', async () => {
    const fixture = cases.find((c) => c.name === 'go-static-distroless')!;
    const contextDir = fixture.options.contextDir!;
    const suggested = await optimize(fixture.input.toString('utf8'), { contextDir });
    expect(suggested.findings.filter((f) => f.transform === ID).map((f) => [f.fixable, f.applied])).toEqual([[true, false]]);
    const applied = await optimize(fixture.input.toString('utf8'), { contextDir, unsafe: true });
    expect(applied.output).toContain('FROM gcr.io/distroless/static-debian12 AS runtime');
    expect(applied.findings.filter((f) => f.transform === 'slim-base')).toEqual([]);
  });
});
