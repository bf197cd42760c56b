import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync as makeTempDir, readFileSync, rmSync, statSync, symlinkSync, lstatSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

/** Temporary folders made by the tests, removed when they end. */
const temporaryDirs: string[] = [];
function mkdtempSync(prefix: string): string {
  const dir = makeTempDir(prefix);
  temporaryDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

const MERGEABLE = 'FROM debian:bookworm\nRUN mkdir /a\nRUN touch /a/b\n';
const MERGED = 'FROM debian:bookworm\nRUN mkdir /a && \\\n    touch /a/b\n';
const BIN = path.resolve('bin/dockeropt.js');

function workspace(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dockeropt-cli-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, stderrIsTTY: false });
  return { code, stdout, stderr };
}

/** The CLI resolves paths against the process cwd, so tests pass absolute paths or chdir-free relative ones. */
async function runIn(dir: string, args: string[]) {
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return await run(args, dir);
  } finally {
    process.chdir(previous);
  }
}

describe('dockeropt fix', () => {
  it('rewrites in place, keeping the file mode', async () => {
    const dir = workspace({ Dockerfile: MERGEABLE });
    chmodSync(path.join(dir, 'Dockerfile'), 0o640);
    const result = await runIn(dir, ['fix']);
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(MERGED);
    expect(statSync(path.join(dir, 'Dockerfile')).mode & 0o777).toBe(0o640);
    expect(result.stdout).toContain('1 file checked, 1 changed, 1 fix applied');
  });

  it('keeps CRLF line endings and a BOM', async () => {
    const source = '\ufeffFROM debian:bookworm\r\nRUN mkdir /a\r\nRUN touch /a/b\r\n';
    const dir = workspace({ Dockerfile: source });
    await runIn(dir, ['fix']);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe('\ufeffFROM debian:bookworm\r\nRUN mkdir /a && \\\r\n    touch /a/b\r\n');
  });

  it('writes through a symlink and leaves it a symlink', async () => {
    const dir = workspace({ 'real.Dockerfile': MERGEABLE });
    symlinkSync('real.Dockerfile', path.join(dir, 'Dockerfile'));
    await runIn(dir, ['fix', 'Dockerfile']);
    expect(lstatSync(path.join(dir, 'Dockerfile')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'real.Dockerfile'), 'utf8')).toBe(MERGED);
  });

  it('--dry-run prints a diff that patch -p0 and git apply -p0 turn into what fix writes', async () => {
    const dir = workspace({ 'a/Dockerfile': MERGEABLE, 'b/app.Dockerfile': MERGEABLE.replace('/a/b', '/a/c'), 'c/Dockerfile': 'FROM x\nRUN true\n' });
    const dry = await runIn(dir, ['fix', '--dry-run', '.']);
    expect(dry.code).toBe(0);
    expect(readFileSync(path.join(dir, 'a/Dockerfile'), 'utf8')).toBe(MERGEABLE);
    expect(dry.stdout).toMatch(/^--- a\/Dockerfile\n\+\+\+ a\/Dockerfile\n/);

    const viaPatch = mkdtempSync(path.join(tmpdir(), 'dockeropt-patch-'));
    cpSync(dir, viaPatch, { recursive: true });
    execFileSync('patch', ['-p0', '--quiet'], { cwd: viaPatch, input: dry.stdout });
    const viaGit = mkdtempSync(path.join(tmpdir(), 'dockeropt-git-'));
    cpSync(dir, viaGit, { recursive: true });
    execFileSync('git', ['apply', '-p0'], { cwd: viaGit, input: dry.stdout });

    await runIn(dir, ['fix', '.']);
    for (const file of ['a/Dockerfile', 'b/app.Dockerfile', 'c/Dockerfile']) {
      const fixed = readFileSync(path.join(dir, file), 'utf8');
      expect(readFileSync(path.join(viaPatch, file), 'utf8')).toBe(fixed);
      expect(readFileSync(path.join(viaGit, file), 'utf8')).toBe(fixed);
    }
  });

  it('on examples/, applying the --dry-run diff gives exactly what fix writes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dockeropt-examples-'));
    cpSync('examples', path.join(dir, 'examples'), { recursive: true });
    const dry = await runIn(dir, ['fix', '--dry-run', 'examples/']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('+++ examples/node/Dockerfile');
    const patched = mkdtempSync(path.join(tmpdir(), 'dockeropt-examples-patched-'));
    cpSync(path.join(dir, 'examples'), path.join(patched, 'examples'), { recursive: true });
    execFileSync('patch', ['-p0', '--quiet'], { cwd: patched, input: dry.stdout });
    expect((await runIn(dir, ['fix', 'examples/'])).code).toBe(0);
    for (const example of ['node', 'python', 'go']) {
      const file = `examples/${example}/Dockerfile`;
      expect(readFileSync(path.join(patched, file), 'utf8')).toBe(readFileSync(path.join(dir, file), 'utf8'));
    }
  });

  it('--check exits 1 when a file would change and 0 when none would, writing nothing', async () => {
    const dir = workspace({ Dockerfile: MERGEABLE });
    expect((await runIn(dir, ['fix', '--check'])).code).toBe(1);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(MERGEABLE);
    await runIn(dir, ['fix']);
    expect((await runIn(dir, ['fix', '--check'])).code).toBe(0);
  });

  it('--format json lists every finding with file, transform, range, message, reason and applied', async () => {
    const dir = workspace({ Dockerfile: `${MERGEABLE}RUN echo x # note\nRUN echo y\n` });
    const result = await runIn(dir, ['fix', '--dry-run', '--format', 'json']);
    // debian:bookworm also draws slim-base's suggestion; this test is about merge-runs' two findings.
    const findings = JSON.parse(result.stdout).filter((f: { transform: string }) => f.transform === 'merge-runs');
    expect(findings).toHaveLength(2);
    const [merged, skipped] = findings;
    expect(merged).toMatchObject({ file: 'Dockerfile', transform: 'merge-runs', applied: true, range: { startLine: 2 } });
    expect(skipped).toMatchObject({ transform: 'merge-runs', applied: false, fixable: false });
    expect(skipped.reason).toMatch(/# comment/);
  });

  it('--only and --skip select transforms, and reject unknown ids', async () => {
    const dir = workspace({ Dockerfile: MERGEABLE });
    expect((await runIn(dir, ['fix', '--skip', 'merge-runs', '--check'])).code).toBe(0);
    expect((await runIn(dir, ['fix', '--only', 'merge-runs', '--check'])).code).toBe(1);
    const bad = await runIn(dir, ['fix', '--only', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^dockeropt: unknown transform "nope"/);
  });

  it('searches directories for Dockerfile, *.Dockerfile, Dockerfile.* and Containerfile, skipping node_modules and .git', async () => {
    const dir = workspace({
      Dockerfile: MERGEABLE,
      'svc/api.Dockerfile': MERGEABLE,
      'svc/Dockerfile.dev': MERGEABLE,
      'svc/Containerfile': MERGEABLE,
      'node_modules/pkg/Dockerfile': MERGEABLE,
      '.git/Dockerfile': MERGEABLE,
      'notes.txt': 'not a dockerfile',
    });
    const result = await runIn(dir, ['fix', '--format', 'json', '.']);
    const files = [...new Set(JSON.parse(result.stdout).map((f: { file: string }) => f.file))].sort();
    expect(files).toEqual(['Dockerfile', 'svc/Containerfile', 'svc/Dockerfile.dev', 'svc/api.Dockerfile']);
    expect(readFileSync(path.join(dir, 'node_modules/pkg/Dockerfile'), 'utf8')).toBe(MERGEABLE);
  });
});

describe('bad input: a one-line error, exit 2, the file untouched', () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ['a binary file', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]), /binary file/],
    ['invalid UTF-8', Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xff, 0xfe, 0x0a]), /not valid UTF-8/],
    ['a file over 1 MiB', `FROM x\n${'# padding\n'.repeat(110_000)}`, /over the 1 MiB limit/],
    ['an unknown instruction', 'FROM x\nFOO bar\n', /line 2: unknown instruction "FOO"/],
    ['an unterminated heredoc', 'FROM x\nRUN <<EOF\necho hi\n', /line 2: unterminated heredoc/],
    ['an unterminated continuation', 'FROM x\nRUN echo a \\\n', /line 2: line continuation/],
  ];
  for (const [name, content, message] of cases) {
    it(name, async () => {
      const dir = workspace({ Dockerfile: content });
      const result = await runIn(dir, ['fix']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(readFileSync(path.join(dir, 'Dockerfile')).equals(Buffer.isBuffer(content) ? content : Buffer.from(content))).toBe(true);
    });
  }

  it('still fixes the good files when one file is bad, and exits 2', async () => {
    const dir = workspace({ 'good/Dockerfile': MERGEABLE, 'bad/Dockerfile': 'FROM x\nFOO\n' });
    const result = await runIn(dir, ['fix', '.']);
    expect(result.code).toBe(2);
    expect(readFileSync(path.join(dir, 'good/Dockerfile'), 'utf8')).toBe(MERGED);
  });

  it('a missing path', async () => {
    const result = await runIn(workspace({}), ['fix', 'nope/Dockerfile']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('dockeropt: nope/Dockerfile: no such file or directory\n');
  });

  it('a usage mistake prints the usage, exit 2', async () => {
    const dir = workspace({});
    for (const args of [['frobnicate'], ['fix', '--bogus'], [], ['fix', '--format', 'xml']]) {
      const result = await runIn(dir, args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^dockeropt: /);
    }
  });
});

describe('config', () => {
  it('reads .dockeroptrc.json, and --no-config ignores it', async () => {
    const dir = workspace({ Dockerfile: MERGEABLE, '.dockeroptrc.json': JSON.stringify({ skip: ['merge-runs'] }) });
    expect((await runIn(dir, ['fix', '--check'])).code).toBe(0);
    expect((await runIn(dir, ['fix', '--check', '--no-config'])).code).toBe(1);
  });

  it('reads package.json#dockeropt and dockeropt.config.mjs', async () => {
    const fromPackage = workspace({ Dockerfile: MERGEABLE, 'package.json': JSON.stringify({ dockeropt: { transforms: { 'merge-runs': 'off' } } }) });
    expect((await runIn(fromPackage, ['fix', '--check'])).code).toBe(0);
    const fromModule = workspace({ Dockerfile: MERGEABLE, 'dockeropt.config.mjs': 'export default { only: [] };\n' });
    expect((await runIn(fromModule, ['fix', '--check'])).code).toBe(0);
  });

  it('rejects unknown keys, unknown transforms and unknown options with the file named', async () => {
    for (const [config, message] of [
      [{ colour: true }, /\.dockeroptrc\.json: unknown key "colour"/],
      [{ skip: ['nope'] }, /unknown transform "nope"/],
      [{ transforms: { 'merge-runs': { indent: 2 } } }, /unknown option "indent" for merge-runs/],
    ] as const) {
      const dir = workspace({ Dockerfile: MERGEABLE, '.dockeroptrc.json': JSON.stringify(config) });
      const result = await runIn(dir, ['fix']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(MERGEABLE);
    }
  });

  it('a config file that does not parse is a clear error', async () => {
    const dir = workspace({ Dockerfile: MERGEABLE, '.dockeroptrc.json': '{ not json' });
    const result = await runIn(dir, ['fix']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot load config/);
  });
});

describe('the dockeropt binary', () => {
  it('prints its version and help, and exits 2 without a stack trace on a mistake', () => {
    const version = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(help.stdout).toMatch(/^Usage: dockeropt fix/);
    const missing = spawnSync(process.execPath, [BIN, 'fix', '/nonexistent/Dockerfile'], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('dockeropt: /nonexistent/Dockerfile: no such file or directory\n');
  });
});
