/**
 * slim-base on the real engines: the slim variant (the stand-in images leave gcc, git and curl
 * out, as the real -slim images do) builds, keeps the application files and the installed
 * packages byte for byte, keeps the runtime config, runs with the same output, and the tools it
 * lacks are gone unless the stage uses them, in which case the added `apt-get install` brings
 * them back.
 */
import { describe, expect, it } from 'vitest';
import { engineGate } from '../engine/index.js';
import { checkRuntimeEquivalent, type RuntimeCase } from './runtime-equivalence.js';

const gate = engineGate();

const CASES: RuntimeCase[] = [
  {
    name: 'python:3.11 with a curl HEALTHCHECK',
    scenario: {
      dockerfile: [
        'FROM python:3.11',
        'WORKDIR /app',
        'COPY requirements.txt .',
        'RUN pip install --no-cache-dir -r requirements.txt',
        'COPY . .',
        'HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1',
        'CMD ["python", "app.py"]',
        '',
      ].join('\n'),
      files: { 'requirements.txt': 'flask==3.0.3\ngunicorn==22.0.0\n', 'app.py': 'print("ok")\n' },
    },
    artifacts: ['/app/app.py', '/usr/local/lib/python3.11/site-packages/flask', '/usr/local/lib/python3.11/site-packages/gunicorn'],
    toolchain: ['/usr/local/bin/gcc', '/usr/local/bin/git'],
  },
  {
    name: 'node:20 that clones with git',
    scenario: {
      dockerfile: [
        'FROM node:20',
        'WORKDIR /app',
        'RUN git clone https://github.com/example/assets.git /opt/assets',
        'COPY package.json package-lock.json ./',
        'RUN npm ci --omit=dev',
        'COPY . .',
        'CMD ["node", "server.js"]',
        '',
      ].join('\n'),
      files: {
        'package.json': '{ "name": "web", "version": "1.0.0", "dependencies": { "express": "^4.19.2" } }\n',
        'package-lock.json': '{ "name": "web", "lockfileVersion": 3, "packages": { "": { "name": "web" }, "node_modules/express": { "version": "4.19.2" } } }\n',
        'server.js': 'console.log("ok")\n',
      },
    },
    artifacts: ['/app/server.js', '/app/node_modules/express', '/opt/assets/README.standin'],
    toolchain: ['/usr/local/bin/gcc', '/usr/local/bin/curl'],
  },
];

describe.skipIf(gate.skip)('slim-base on real engines (runtime-equivalent)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const report = await checkRuntimeEquivalent('slim-base', c);
    expect(report.rewritten).toMatch(/^FROM \S+-slim\nRUN apt-get update && apt-get install -y --no-install-recommends /);
    expect(report.after.files).toBeLessThan(report.before.files);
  });

  it('the check catches a slim base without the tool the HEALTHCHECK runs', async () => {
    const python = CASES[0]!;
    const withoutCurl = python.scenario.dockerfile.replace('FROM python:3.11\n', 'FROM python:3.11-slim\n');
    await expect(checkRuntimeEquivalent('slim-base', python, withoutCurl)).rejects.toThrow(/HEALTHCHECK passes in the rewrite/);
  });
});
