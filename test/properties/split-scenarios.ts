/**
 * fast-check generator of build scenarios for split-dependency-copy: a Dockerfile that copies a
 * whole folder and then installs dependencies, plus a build context for it. The contexts vary in
 * exactly what decides whether the split is safe: lockfiles present or not, `.dockerignore`
 * entries (also ones that exclude a manifest), node_modules sent or not, workspaces, lifecycle
 * scripts that read sources, nested and local requirements, go.sum present or not, and where the
 * install runs relative to the COPY destination. The commands are the ones the stand-ins in
 * test/e2e/engine/standins model, so every scenario builds for real.
 */
import fc from 'fast-check';
import type { Scenario } from '../e2e/engine/index.js';

type Files = Record<string, string>;

const sourceText = fc.constantFrom('console.log(1)\n', 'console.log(2)\n', 'export {}\n');
const depName = fc.constantFrom('left-pad', 'lodash', 'express', 'chalk');
const version = fc.constantFrom('1.0.0', '2.1.3', '^4.17.21');

/** Where the folder lands and where the install runs. */
const layout = fc.constantFrom(
  { lines: ['WORKDIR /app', 'COPY {flags}. .'], sourceDir: '' },
  { lines: ['WORKDIR /app', 'COPY {flags}./ ./'], sourceDir: '' },
  { lines: ['COPY {flags}. /app', 'WORKDIR /app'], sourceDir: '' },
  { lines: ['WORKDIR /srv/app', 'COPY {flags}. /srv/app/'], sourceDir: '' },
  { lines: ['COPY {flags}web/ /web', 'WORKDIR /web'], sourceDir: 'web' },
  { lines: ['WORKDIR /app', 'COPY {flags}. /app/sub', 'WORKDIR /app/sub'], sourceDir: '' },
  { lines: ['COPY {flags}. /app'], sourceDir: '' },
);

function place(sourceDir: string, files: Files): Files {
  return Object.fromEntries(Object.entries(files).map(([file, content]) => [sourceDir ? `${sourceDir}/${file}` : file, content]));
}

function dockerfile(base: string, layoutLines: readonly string[], flags: string, middle: readonly string[], run: string, cmd: string): string {
  return [`FROM ${base}`, ...layoutLines.map((line) => line.replace('{flags}', flags)), ...middle, run, cmd, ''].join('\n');
}

const copyFlags = fc.constantFrom('', '--chown=1000:1000 ', '--chmod=755 ');
const middle = fc.constantFrom([], ['ENV NODE_ENV=production'], ['ARG VERSION=1', 'LABEL version=$VERSION'], ['RUN echo before > before.txt']);

const npmScenario: fc.Arbitrary<Scenario> = fc
  .record({
    layout,
    flags: copyFlags,
    middle,
    deps: fc.dictionary(depName, version, { maxKeys: 3 }),
    lockfile: fc.constantFrom('package-lock.json', 'npm-shrinkwrap.json', null),
    npmrc: fc.boolean(),
    postinstall: fc.boolean(),
    ignoreScripts: fc.boolean(),
    omitDev: fc.boolean(),
    workspaces: fc.boolean(),
    nodeModulesSent: fc.boolean(),
    ignore: fc.subarray(['node_modules', '*.md', 'package-lock.json', 'packages/b', '.npmrc']),
    then: fc.constantFrom(null, 'cat src/index.js > built.js', 'ls node_modules > modules.txt'),
    source: sourceText,
  })
  .map((s) => {
    const packageJson: Record<string, unknown> = { name: 'app', version: '1.0.0', dependencies: s.deps };
    if (s.postinstall) packageJson['scripts'] = { postinstall: 'cat src/index.js > postinstall.out' };
    if (s.workspaces) packageJson['workspaces'] = ['packages/*'];
    const files: Files = { 'package.json': `${JSON.stringify(packageJson, null, 2)}\n`, 'src/index.js': s.source, 'README.md': '# app\n' };
    if (s.lockfile) files[s.lockfile] = `${JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { dependencies: s.deps } } }, null, 2)}\n`;
    if (s.npmrc) files['.npmrc'] = 'fund=false\n';
    if (s.workspaces) {
      files['packages/a/package.json'] = '{ "name": "a", "version": "1.0.0" }\n';
      files['packages/a/index.js'] = 'module.exports = 1\n';
      files['packages/b/package.json'] = '{ "name": "b", "version": "1.0.0", "dependencies": { "chalk": "5.0.0" } }\n';
    }
    if (s.nodeModulesSent) files['node_modules/stale/index.js'] = 'stale\n';
    const context = place(s.layout.sourceDir, files);
    if (s.ignore.length > 0) context['.dockerignore'] = `${s.ignore.map((p) => (s.layout.sourceDir ? `${s.layout.sourceDir}/${p}` : p)).join('\n')}\n`;
    const install = `npm ci${s.ignoreScripts ? ' --ignore-scripts' : ''}${s.omitDev ? ' --omit=dev' : ''}`;
    const run = `RUN ${install}${s.then ? ` && \\\n    ${s.then}` : ''}`;
    return { dockerfile: dockerfile('node:20', s.layout.lines, s.flags, s.middle, run, 'CMD ["node", "src/index.js"]'), files: context };
  });

const pipScenario: fc.Arbitrary<Scenario> = fc
  .record({
    layout,
    flags: copyFlags,
    nested: fc.boolean(),
    constraint: fc.boolean(),
    localLine: fc.constantFrom(null, '-e .', './lib'),
    packages: fc.subarray(['flask==3.0.3', 'requests', 'gunicorn>=22'], { minLength: 1 }),
    noCache: fc.boolean(),
    ignore: fc.subarray(['*.md', 'requirements/base.txt']),
    then: fc.constantFrom(null, 'python app.py', 'cp app.py app.bak'),
  })
  .map((s) => {
    const files: Files = { 'app.py': 'print("hi")\n', 'README.md': '# app\n', 'setup.py': 'from setuptools import setup\n', 'lib/setup.py': '\n' };
    const lines = [...s.packages];
    if (s.localLine) lines.push(s.localLine);
    if (s.nested) {
      files['requirements/base.txt'] = `${s.constraint ? '-c constraints.txt\n' : ''}${lines.join('\n')}\n`;
      if (s.constraint) files['requirements/constraints.txt'] = 'flask==3.0.3\n';
      files['requirements.txt'] = '-r requirements/base.txt\n';
    } else {
      files['requirements.txt'] = `${lines.join('\n')}\n`;
    }
    const context = place(s.layout.sourceDir, files);
    if (s.ignore.length > 0) context['.dockerignore'] = `${s.ignore.map((p) => (s.layout.sourceDir ? `${s.layout.sourceDir}/${p}` : p)).join('\n')}\n`;
    const run = `RUN pip install${s.noCache ? ' --no-cache-dir' : ''} -r requirements.txt${s.then ? ` && ${s.then}` : ''}`;
    return { dockerfile: dockerfile('python:3.11', s.layout.lines, s.flags, [], run, 'CMD ["python", "app.py"]'), files: context };
  });

const goScenario: fc.Arbitrary<Scenario> = fc
  .record({
    layout,
    flags: copyFlags,
    goSum: fc.boolean(),
    requires: fc.subarray(['github.com/pkg/errors v0.9.1', 'golang.org/x/text v0.14.0']),
    localReplace: fc.boolean(),
    build: fc.boolean(),
  })
  .map((s) => {
    const goMod = [
      'module example.com/app',
      '',
      'go 1.22',
      ...(s.requires.length ? ['', 'require (', ...s.requires.map((r) => `\t${r}`), ')'] : []),
      ...(s.localReplace ? ['', 'replace example.com/lib => ./lib'] : []),
      '',
    ].join('\n');
    const files: Files = { 'go.mod': goMod, 'main.go': 'package main\n\nfunc main() {}\n', 'lib/go.mod': 'module example.com/lib\n' };
    if (s.goSum) files['go.sum'] = s.requires.map((r) => `${r} h1:abc=\n`).join('');
    const run = `RUN go mod download${s.build ? ' && go build -o /out/app .' : ''}`;
    return { dockerfile: dockerfile('golang:1.22', s.layout.lines, s.flags, [], run, 'CMD ["/out/app"]'), files: place(s.layout.sourceDir, files) };
  });

export const splitScenarioArb: fc.Arbitrary<Scenario> = fc.oneof(npmScenario, pipScenario, goScenario);
