/**
 * Pipenv projects: a Pipfile with packages and dev-packages, a Pipfile.lock whose
 * _meta.hash.sha256 matches the Pipfile (the stand-in's model of Pipenv's hash), is stale (so
 * `--deploy` aborts on both sides alike), or is missing; a local editable path entry; .env;
 * a `.venv` sent in the context; PIPENV_VENV_IN_PROJECT; and the install commands (--deploy,
 * --system, --dev, --ignore-pipfile, `pipenv sync`, and plain `pipenv install`, which may re-lock).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { ignoreArb, json, middleArb, oneIn, weighted, type EcosystemScenarios, type Files } from './common.js';

const PIPENV_COMMANDS = [
  'pipenv install --deploy --system',
  'pipenv install --system --deploy --ignore-pipfile',
  'pipenv install --deploy',
  'pipenv install --dev --deploy',
  'pipenv sync',
  'pipenv sync --dev',
  'pipenv install --ignore-pipfile --system',
  'pipenv install',
];

export const pipenv: EcosystemScenarios = {
  ecosystem: 'pipenv',
  base: 'python:3.11',
  cmd: ['python', 'app/main.py'],
  project: fc
    .record({
      before: fc.constantFrom<readonly string[]>([], ['RUN pip install pipenv'], ['RUN pip install --no-cache-dir pipenv==2024.0.1']),
      middle: middleArb(['ENV PIPENV_VENV_IN_PROJECT=1'], ['ENV PIPENV_DONT_LOAD_ENV=1']),
      command: fc.constantFrom(...PIPENV_COMMANDS),
      packages: fc.subarray(['flask', 'requests', 'gunicorn'], { minLength: 1 }),
      devPackages: fc.boolean(),
      lockfile: weighted<'fresh' | 'stale' | null>(['fresh', 5], ['stale', 1], [null, 1]),
      localPath: oneIn(6),
      dotenv: fc.boolean(),
      venvSent: oneIn(3),
      ignore: ignoreArb(['*.md', '.venv', 'tests', '.env'], ['Pipfile.lock', 'Pipfile']),
      then: fc.constantFrom(null, 'python app/main.py', 'cp -r app /opt/app'),
    })
    .map((s) => {
      const pipfile = [
        '[[source]]',
        'url = "https://pypi.org/simple"',
        'verify_ssl = true',
        'name = "pypi"',
        '',
        '[packages]',
        ...s.packages.map((p) => `${p} = "*"`),
        ...(s.localPath ? ['lib = {path = "./lib", editable = true}'] : []),
        '',
        '[dev-packages]',
        ...(s.devPackages ? ['pytest = "*"'] : []),
        '',
        '[requires]',
        'python_version = "3.11"',
        '',
      ].join('\n');
      const files: Files = { 'app/__init__.py': '', 'app/main.py': 'print("hi")\n', 'README.md': '# app\n', 'tests/test_app.py': 'def test(): pass\n', Pipfile: pipfile };
      if (s.lockfile) {
        const hash = s.lockfile === 'fresh' ? createHash('sha256').update(pipfile).digest('hex') : '0'.repeat(64);
        const entry = { hashes: ['sha256:0000'], index: 'pypi', version: '==1.0.0' };
        const defaults: Record<string, unknown> = Object.fromEntries(s.packages.map((p) => [p, entry]));
        if (s.localPath) defaults['lib'] = { editable: true, path: './lib' };
        files['Pipfile.lock'] = json({
          _meta: { hash: { sha256: hash }, 'pipfile-spec': 6, requires: { python_version: '3.11' }, sources: [{ name: 'pypi', url: 'https://pypi.org/simple', verify_ssl: true }] },
          default: defaults,
          develop: s.devPackages ? { pytest: entry } : {},
        });
      }
      if (s.localPath) files['lib/setup.py'] = 'from setuptools import setup\nsetup(name="lib")\n';
      if (s.dotenv) files['.env'] = 'APP_ENV=production\n';
      if (s.venvSent) files['.venv/pyvenv.cfg'] = 'home = /usr/bin\n';
      return { files, ignore: s.ignore, before: s.before, middle: s.middle, install: s.command, then: s.then };
    }),
};
