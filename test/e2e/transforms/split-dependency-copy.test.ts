/**
 * split-dependency-copy on the real engines, beyond the generated properties:
 * - the point of it: after the rewrite, editing a source file no longer re-runs the install;
 * - the harness catches a wrong split: a variant that does not read .dockerignore copies a file
 *   the builder never receives, and the rewrite stops building where the original built.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { optimize } from '../../../src/index.js';
import { buildScenario, cacheProbe, engineGate, writeContext, type Scenario } from '../engine/index.js';
import { requireSameImage, rewrite } from '../../properties/engine-check.js';

const gate = engineGate();

const npmApp: Scenario = {
  dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/index.js"]\n',
  files: {
    'package.json': '{ "name": "app", "version": "1.0.0", "scripts": { "build": "mkdir -p dist && cp src/index.js dist/" }, "dependencies": { "left-pad": "1.3.0" } }\n',
    'package-lock.json': '{ "name": "app", "lockfileVersion": 3, "packages": {} }\n',
    '.npmrc': 'fund=false\n',
    'src/index.js': 'console.log("v1")\n',
  },
};

const pipApp: Scenario = {
  dockerfile: 'FROM python:3.11\nWORKDIR /srv\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ["python", "app.py"]\n',
  files: { 'requirements.txt': '-r requirements/base.txt\n', 'requirements/base.txt': 'flask==3.0.3\n', 'app.py': 'print(1)\n' },
};

const goApp: Scenario = {
  dockerfile: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go mod download && go build -o /out/app .\nCMD ["/out/app"]\n',
  files: { 'go.mod': 'module example.com/app\n\ngo 1.22\n\nrequire github.com/pkg/errors v0.9.1\n', 'go.sum': 'github.com/pkg/errors v0.9.1 h1:abc=\n', 'main.go': 'package main\n\nfunc main() {}\n' },
};

describe.skipIf(gate.skip)('split-dependency-copy on real engines', () => {
  for (const [name, app, source, install] of [
    ['npm', npmApp, 'src/index.js', 'RUN npm ci'],
    ['pip', pipApp, 'app.py', 'RUN pip install --no-cache-dir -r requirements.txt'],
    ['go', goApp, 'main.go', 'RUN go mod download'],
  ] as const) {
    it(`${name}: a source edit re-runs the install before the rewrite, and not after`, async () => {
      const rewritten = await rewrite('split-dependency-copy', app);
      expect(rewritten).not.toBe(app.dockerfile);
      for (const engine of ['buildkit', 'buildah'] as const) {
        requireSameImage(engine, await buildScenario(engine, app), await buildScenario(engine, { ...app, dockerfile: rewritten }), []);
        const before = await cacheProbe(engine, app.dockerfile, app.files, source);
        const after = await cacheProbe(engine, rewritten, app.files, source);
        expect(before.warnings).toEqual([]);
        expect(after.warnings).toEqual([]);
        expect(before.rerun.some((step) => step.text.startsWith(install)), `${engine}: original re-runs the install`).toBe(true);
        expect(after.steps.find((step) => step.text === install)?.status, `${engine}: rewrite keeps the install cached`).toBe('cached');
      }
    });
  }

  it('a split that ignores .dockerignore is caught as a mismatch; the real one is not', async () => {
    const scenario: Scenario = {
      dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n',
      files: { ...npmApp.files, '.dockerignore': '.npmrc\n' },
    };
    // The broken variant reads a copy of the context without its .dockerignore.
    const blind = mkdtempSync(path.join(tmpdir(), 'dockeropt-blind-'));
    try {
      writeContext(blind, scenario.files);
      rmSync(path.join(blind, '.dockerignore'));
      const broken = (await optimize(scenario.dockerfile, { only: ['split-dependency-copy'], contextDir: blind })).output;
      expect(broken).toContain('COPY package.json package-lock.json .npmrc ./');
      const original = await buildScenario('buildkit', scenario);
      const wrong = await buildScenario('buildkit', { ...scenario, dockerfile: broken });
      expect(() => requireSameImage('buildkit', original, wrong, [])).toThrow(/the original builds but the rewrite fails/);
    } finally {
      rmSync(blind, { recursive: true, force: true });
    }
    const right = await rewrite('split-dependency-copy', scenario);
    expect(right).toContain('COPY package.json package-lock.json ./');
    requireSameImage('buildkit', await buildScenario('buildkit', scenario), await buildScenario('buildkit', { ...scenario, dockerfile: right }), []);
  });
});
