/**
 * slim-base fixture pairs (test/transforms/fixtures/slim-base/<case>/, run by the shared fixture
 * runner): every case's options.json gives `unsafe: true`, so output.Dockerfile is what the
 * transform writes with consent. skip-* cases leave the file alone and say why (a suggestion
 * without a fix); none-* cases draw no finding. Without consent every fix is a suggestion.
 */
import { describe, expect, it } from 'vitest';
import { optimize } from '../../src/index.js';
import { parseImageRef, formatImageRef, officialName, findFamily } from '../../src/model/base-images.js';
import { describeFixtures, fixtureCases } from './fixture-runner.js';

const ID = 'slim-base';

describeFixtures({
  id: ID,
  minCases: 40,
  reasons: {
    'skip-digest-pin': /pinned by digest, and the digest of python:3\.11-slim cannot be known offline/,
    'skip-compiler-in-run': /runs gcc, and python:3\.11-slim has no compilers: split the build into its own stage on python:3\.11 .*\(multi-stage\)/,
    'skip-pip-needs-compiler': /^psycopg2 has no prebuilt wheel/,
    'skip-pip-no-binary': /builds from source \(--no-binary\)/,
    'skip-pip-no-context': /the build context is not available/,
    'skip-pip-local-project': /installs a local project, which may have C extensions/,
    'skip-poetry-native': /^mysqlclient has no prebuilt wheel, so poetry compiles it/,
    'skip-node-gyp': /^bcrypt runs an install script \(often node-gyp/,
    'skip-pnpm-requires-build': /^bcrypt runs an install script/,
    'skip-yarn-unknown': /yarn\.lock does not record which packages run install scripts/,
    'skip-native-gem': /^pg, puma compile a C extension during `bundle install`/,
    'skip-gem-install-native': /the gem pg compiles a C extension/,
    'skip-mix-nif': /bcrypt_elixir builds native code \(a NIF\)/,
    'skip-cargo-sys-crate': /openssl-sys needs pkg-config and libssl-dev, which rust:1\.77-slim lacks/,
    'skip-jdk-tools': /runs javac, which needs the JDK that eclipse-temurin:17-jre lacks/,
    'skip-cpanm': /cpanm may build XS modules/,
    'skip-heredoc': /uses a heredoc/,
    'skip-debian-latest': /debian:latest has no slim tag/,
    'skip-variable-suffix': /named through a variable in a form dockeropt cannot rewrite \(python:\$\{PY\}-bookworm\)/,
    'skip-openjdk-no-temurin-version': /no JRE image for Java 22/,
  },
});

const cases = fixtureCases(ID);

describe('slim-base without consent', () => {
  const fixes = cases.filter((c) => !c.name.startsWith('skip-') && !c.name.startsWith('none-'));
  it.each(fixes.map((c) => [c.name, c] as const))('%s is a suggestion: fixable, not applied, file unchanged', async (_name, fixture) => {
    const input = fixture.input.toString('utf8');
    const { unsafe: _unsafe, ...options } = fixture.options;
    const result = await optimize(input, options);
    expect(result.output).toBe(input);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ transform: ID, contract: 'runtime-equivalent', fixable: true, applied: false });
  });

  it.each(cases.filter((c) => c.name.startsWith('skip-')).map((c) => [c.name, c] as const))('%s suggests without a fix', async (_name, fixture) => {
    const result = await optimize(fixture.input.toString('utf8'), fixture.options);
    expect(result.findings.map((f) => [f.fixable, f.applied])).toEqual([[false, false]]);
    expect(result.findings[0]!.message).toMatch(/^(Use \S+ instead of |No slim variant of )/);
  });
});

describe('slim-base has nothing to say', () => {
  it.each(cases.filter((c) => c.name.startsWith('none-')).map((c) => [c.name, c] as const))('%s', async (_name, fixture) => {
    expect((await optimize(fixture.input.toString('utf8'), fixture.options)).findings).toEqual([]);
  });
});

describe('slim-base findings', () => {
  it('never suggests alpine, and says why wherever an -alpine variant exists', async () => {
    for (const fixture of cases) {
      const input = fixture.input.toString('utf8');
      const result = await optimize(input, fixture.options);
      if (!/alpine/.test(input)) expect(result.output).not.toMatch(/alpine/);
      for (const finding of result.findings.filter((f) => f.message.startsWith('Use '))) {
        if (/^FROM (\S*\/)?(node|python|ruby|rust|elixir|openjdk|eclipse-temurin)[:@]/m.test(fixture.input.toString('utf8'))) {
          expect(finding.reason, fixture.name).toMatch(/-alpine is not suggested: its musl libc/);
        }
      }
    }
  });

  it('keeps the registry, and says the mirror must carry the slim tag', async () => {
    const { output, findings } = await optimize('FROM registry.example.com:5000/python:3.11\nCMD ["python"]\n', { only: [ID], unsafe: true });
    expect(output).toBe('FROM registry.example.com:5000/python:3.11-slim\nCMD ["python"]\n');
    expect(findings[0]!.reason).toMatch(/comes through registry\.example\.com:5000, which must also carry registry\.example\.com:5000\/python:3\.11-slim/);
  });

  it('keeps AWS public ECR mirror paths', async () => {
    const { output } = await optimize('FROM public.ecr.aws/docker/library/node:20\nCMD ["node"]\n', { only: [ID], unsafe: true });
    expect(output).toBe('FROM public.ecr.aws/docker/library/node:20-slim\nCMD ["node"]\n');
  });
});

describe('the base-image table', () => {
  it.each([
    ['node:20', 'node', '20-slim'],
    ['node:20.11.1-bookworm', 'node', '20.11.1-bookworm-slim'],
    ['node', 'node', 'slim'],
    ['python:3.11', 'python', '3.11-slim'],
    ['python:3.11.8-bookworm', 'python', '3.11.8-slim-bookworm'],
    ['ruby:3.3-bullseye', 'ruby', '3.3-slim-bullseye'],
    ['rust:1.77', 'rust', '1.77-slim'],
    ['elixir:1.16-otp-26', 'elixir', '1.16-otp-26-slim'],
    ['debian:12', 'debian', '12-slim'],
    ['eclipse-temurin:21.0.2_13-jdk-noble', 'eclipse-temurin', '21.0.2_13-jre-noble'],
    ['eclipse-temurin:17', 'eclipse-temurin', '17-jre'],
  ])('%s → %s:%s', (text, name, tag) => {
    const ref = parseImageRef(text)!;
    const family = findFamily(ref)!.family;
    expect(family.name).toBe(name);
    expect(family.slimTag(ref.tag)).toEqual({ tag });
  });

  it('reads references with registries, ports and digests', () => {
    const ref = parseImageRef('localhost:5000/library/python:3.11@sha256:abc')!;
    expect(ref).toEqual({ registry: 'localhost:5000', path: 'library/python', tag: '3.11', digest: 'sha256:abc' });
    expect(formatImageRef(ref)).toBe('localhost:5000/library/python:3.11@sha256:abc');
    expect(officialName(ref)).toEqual({ name: 'python', mirror: 'localhost:5000' });
    expect(officialName(parseImageRef('docker.io/library/python:3.11')!)).toEqual({ name: 'python', mirror: null });
    expect(officialName(parseImageRef('bitnami/python:3.11')!)).toBeNull();
    expect(parseImageRef('python:${V}')).toBeNull();
  });
});
