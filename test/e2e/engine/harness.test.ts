// Self-tests of the real-engine harness: it must call equal images equal, catch a wrong rewrite
// with a readable diff, make stand-ins fail like the real tools, ignore exactly the listed cache
// paths, and see which steps a context edit re-runs.

import { afterAll, describe, expect, it } from 'vitest';
import {
  buildScenario,
  cacheProbe,
  checkEnginesAgree,
  compareImages,
  compareScenarios,
  engineGate,
  parseBuildahSteps,
  parseBuildkitSteps,
  parseDockerfileSteps,
  type EngineName,
  type ImageSnapshot,
  type Scenario,
} from './index.js';

// ---------------------------------------------------------------------------------------------
// Pure parts (no engine)

function snap(files: ImageSnapshot['files'], config: Partial<ImageSnapshot['config']> = {}): ImageSnapshot {
  return {
    engine: 'buildkit',
    ref: 'test',
    id: 'x',
    layerCount: 1,
    files,
    config: {
      Env: [],
      Cmd: null,
      Entrypoint: null,
      WorkingDir: '/',
      User: '',
      ExposedPorts: [],
      Volumes: [],
      Labels: {},
      Shell: null,
      Healthcheck: null,
      StopSignal: '',
      OnBuild: [],
      ...config,
    },
  };
}

const dir = { type: 'dir' as const, mode: 0o755, uid: 0, gid: 0 };
const file = (text: string, mode = 0o644): ImageSnapshot['files'][string] => ({
  type: 'file',
  mode,
  uid: 0,
  gid: 0,
  size: text.length,
  sha256: `sha-of-${text}`,
  text,
});

describe('compareImages (no engine)', () => {
  it('lists only-in-a, only-in-b, changed entries and config fields', () => {
    const a = snap({ '/app': dir, '/app/x': file('a'), '/etc/p': file('1') }, { WorkingDir: '/app' });
    const b = snap({ '/app': dir, '/tmp/x': file('a'), '/etc/p': file('2', 0o600) }, { WorkingDir: '/' });
    const diff = compareImages(a, b);
    expect(diff).toContain('- /app/x');
    expect(diff).toContain('+ /tmp/x');
    expect(diff).toContain('~ /etc/p: mode 0644 → 0600; content "1" → "2"');
    expect(diff).toContain('config.WorkingDir: "/app" → "/"');
    expect(compareImages(a, a)).toBeNull();
  });

  it('ignores listed prefixes by whole path segments, and folders holding only ignored paths', () => {
    const a = snap({ '/root': dir, '/root/.cache': dir, '/root/.cache/pip': dir, '/root/.cache/pip/x': file('x'), '/var/lib/apt/lists2': file('l') });
    const b = snap({ '/root': dir });
    expect(compareImages(a, b, { ignorePaths: ['/root/.cache/pip', '/var/lib/apt/lists'] })).toContain('- /var/lib/apt/lists2');
    expect(compareImages(a, b, { ignorePaths: ['/root/.cache/pip', '/var/lib/apt/lists2'] })).toBeNull();
    const c = snap({ '/root': dir, '/root/.cache': dir, '/root/.cache/other': file('o') });
    expect(compareImages(c, b, { ignorePaths: ['/root/.cache/pip'] })).toContain('- /root/.cache/other');
  });
});

describe('the cache probe log readers (no engine)', () => {
  const df = 'FROM node:20 AS build\nENV A=1\nWORKDIR /app\nCOPY . .\nRUN npm ci\n\nFROM node:20\nCOPY --from=build /app /app\nCMD ["node"]\n';
  it('reads BuildKit plain progress, in any order', () => {
    const log = [
      '#5 [build 2/4] WORKDIR /app',
      '#6 [build 3/4] COPY . .',
      '#7 [build 4/4] RUN npm ci',
      '#5 CACHED',
      '#6 DONE 0.0s',
      '#7 DONE 0.1s',
      '#4 [build 1/4] FROM docker.io/library/node:20',
      '#4 CACHED',
      '#8 [stage-1 2/2] COPY --from=build /app /app',
      '#8 DONE 0.0s',
    ].join('\n');
    const { steps, warnings } = parseBuildkitSteps(df, log);
    expect(warnings).toEqual([]);
    expect(steps.map((s) => `${s.line}:${s.keyword}:${s.status}`)).toEqual([
      '1:FROM:base', '2:ENV:config', '3:WORKDIR:cached', '4:COPY:ran', '5:RUN:ran', '7:FROM:base', '8:COPY:ran', '9:CMD:config',
    ]);
  });
  it('reads BuildKit progress for a stage built FROM an earlier stage (no FROM step of its own)', () => {
    const df2 = 'FROM node:20 AS build\nRUN a\nFROM build AS test\nRUN b\n';
    const log = ['#4 [build 1/2] FROM docker.io/library/node:20', '#4 CACHED', '#5 [build 2/2] RUN a', '#5 CACHED', '#6 [test 1/1] RUN b', '#6 DONE 0.1s'].join('\n');
    const { steps, warnings } = parseBuildkitSteps(df2, log);
    expect(warnings).toEqual([]);
    expect(steps.map((s) => s.status)).toEqual(['base', 'cached', 'base', 'ran']);
  });
  it('reads buildah output', () => {
    const log = [
      '[1/2] STEP 1/5: FROM node:20 AS build',
      '[1/2] STEP 2/5: ENV A=1',
      '--> Using cache 1234',
      '[1/2] STEP 3/5: WORKDIR /app',
      '--> Using cache 5678',
      '--> 5678',
      '[1/2] STEP 4/5: COPY . .',
      '--> 9abc',
      '[1/2] STEP 5/5: RUN npm ci',
      '--> Using cache def0',
      '[2/2] STEP 1/3: FROM node:20',
      '[2/2] STEP 2/3: COPY --from=build /app /app',
      '[2/2] STEP 3/3: CMD ["node"]',
      '[2/2] COMMIT x',
    ].join('\n');
    const { steps, warnings } = parseBuildahSteps(df, log, false);
    expect(warnings).toEqual([]);
    expect(steps.map((s) => s.status)).toEqual(['base', 'config', 'cached', 'ran', 'cached', 'base', 'ran', 'config']);
  });
  it('splits a Dockerfile with continuations, comments and an escape directive', () => {
    const steps = parseDockerfileSteps('# escape=`\nARG V=1\nFROM busybox\n# note\nRUN echo a `\n  # inside\n  && echo b\nCMD x\n');
    expect(steps.preamble.map((i) => i.keyword)).toEqual(['ARG']);
    expect(steps.stages[0]?.instructions.map((i) => [i.keyword, i.line, i.endLine])).toEqual([['FROM', 3, 3], ['RUN', 5, 7], ['CMD', 8, 8]]);
  });
});

// ---------------------------------------------------------------------------------------------
// Real engines

const gate = engineGate(['buildkit', 'buildah'], 'harness self-tests');
const timings: string[] = [];

afterAll(() => {
  if (timings.length > 0) console.log(`[dockeropt e2e] harness timings:\n  ${timings.join('\n  ')}`);
});

const npmApp: Scenario['files'] = {
  'package.json': JSON.stringify({
    name: 'demo',
    version: '1.0.0',
    scripts: { build: 'mkdir -p dist && cat src/index.js > dist/index.js', postinstall: 'echo ok > .postinstall' },
    dependencies: { express: '^4.19.0', '@scope/util': '1.0.0' },
    devDependencies: { vitest: '^1.0.0' },
  }, null, 2),
  'package-lock.json': JSON.stringify({ name: 'demo', lockfileVersion: 3, packages: {} }, null, 2),
  'src/index.js': 'console.log("hello");\n',
  'bin/run.sh': { content: '#!/bin/sh\nexec node dist/index.js\n', mode: 0o755 },
};

describe.skipIf(gate.skip)('harness on the real engines', () => {
  it('BuildKit and buildah build the same image from the same scenario', async () => {
    const scenario: Scenario = {
      dockerfile: [
        'FROM node:20',
        'ENV NODE_ENV=production PORT=8080',
        'WORKDIR /app',
        'COPY package.json package-lock.json ./',
        'RUN npm ci --omit=dev',
        'COPY . .',
        'RUN npm run build && ln -s dist/index.js main.js && chmod 0640 dist/index.js',
        'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
        'RUN useradd -m app && chown -R app:app /app/dist && rm /app/src/index.js',
        'USER app',
        'EXPOSE 8080',
        'VOLUME /data',
        'LABEL org.opencontainers.image.title=demo',
        'ENTRYPOINT ["/app/bin/run.sh"]',
        'CMD ["--port", "8080"]',
        '',
      ].join('\n'),
      files: { ...npmApp, '.dockerignore': 'docs\n*.log\n', 'docs/guide.md': '# guide\n', 'debug.log': 'noise\n' },
    };
    const r = await checkEnginesAgree(scenario);
    if (r.buildkit.ok) timings.push(`the first agreement scenario (15 instructions, 8 build steps), buildkit: ${r.buildkit.ms} ms (build only)`);
    if (r.buildah.ok) timings.push(`the same on buildah: ${r.buildah.ms} ms (build only)`);
    expect(r.buildkit.ok ? '' : r.buildkit.log).toBe('');
    expect(r.buildah.ok ? '' : r.buildah.log).toBe('');
    expect(r.diff).toBeNull();
    expect(r.agree).toBe(true);
    if (!r.buildkit.ok) return;
    const img = r.buildkit.image;
    expect(img.files['/app/node_modules/express/package.json']?.type).toBe('file');
    expect(img.files['/app/node_modules/vitest']).toBeUndefined();
    expect(img.files['/app/dist/index.js']).toMatchObject({ mode: 0o640, text: 'console.log("hello");\n' });
    expect(img.files['/app/main.js']).toMatchObject({ type: 'symlink', target: 'dist/index.js' });
    expect(img.files['/app/src/index.js']).toBeUndefined();
    expect(img.files['/app/docs']).toBeUndefined();
    expect(img.files['/app/debug.log']).toBeUndefined();
    expect(img.files['/app/.dockerignore']?.type).toBe('file');
    expect(img.files['/app/.postinstall']?.text).toBe('ok\n');
    expect(img.files['/usr/share/doc/curl/installed']?.text).toContain('recommends=no');
    expect(img.config).toMatchObject({
      User: 'app',
      WorkingDir: '/app',
      ExposedPorts: ['8080/tcp'],
      Volumes: ['/data'],
      Entrypoint: ['/app/bin/run.sh'],
      Cmd: ['--port', '8080'],
      Labels: { 'org.opencontainers.image.title': 'demo' },
    });
    expect(img.config.Env).toContain('NODE_ENV=production');
  });

  it('both engines agree on deletions, re-created folders, hard links, special bits and every config field', async () => {
    const scenario: Scenario = {
      dockerfile: [
        'ARG BASE=node:20',
        'FROM ${BASE} AS deps',
        'WORKDIR /w',
        'COPY --chown=1000:1000 package.json ./',
        'ADD data.txt /w/data/',
        'RUN ln /w/package.json /w/hard',
        'FROM busybox',
        'COPY --from=deps /w /w',
        'RUN mkdir -p /w/gone/sub /opt/x && touch /w/gone/sub/f && echo 1 > /opt/x/a && echo 2 > /opt/x/b',
        'RUN rm -rf /w/gone && rm /w/data/data.txt',
        'RUN rm -rf /opt/x && mkdir /opt/x && echo 3 > /opt/x/c && chmod 4755 /opt/x/c && chmod 1777 /opt/x',
        'SHELL ["/bin/sh", "-ec"]',
        'RUN echo "$0" > /shell.txt',
        'HEALTHCHECK --interval=30s CMD wget -q localhost || exit 1',
        'STOPSIGNAL SIGTERM',
        'ONBUILD RUN echo hi',
        'ENV A=1 B="two words"',
        'USER 1000:1000',
        'WORKDIR /w',
        '',
      ].join('\n'),
      files: { 'package.json': '{"name":"x"}', 'data.txt': 'data\n' },
    };
    const r = await checkEnginesAgree(scenario);
    expect(r.diff).toBeNull();
    for (const b of [r.buildkit, r.buildah]) {
      if (!b.ok) throw new Error(b.log);
      const f = b.image.files;
      expect(f['/w/gone']).toBeUndefined();
      expect(f['/w/data']?.type).toBe('dir');
      expect(f['/w/data/data.txt']).toBeUndefined();
      expect(f['/opt/x']).toMatchObject({ type: 'dir', mode: 0o1777 });
      expect(f['/opt/x/a']).toBeUndefined();
      expect(f['/opt/x/c']).toMatchObject({ mode: 0o4755, text: '3\n' });
      expect(f['/w/hard']).toMatchObject({ uid: 1000, gid: 1000, text: '{"name":"x"}' });
      expect(f['/shell.txt']?.text).toBe('/bin/sh\n');
      expect(b.image.config).toMatchObject({
        Shell: ['/bin/sh', '-ec'],
        StopSignal: 'SIGTERM',
        OnBuild: ['RUN echo hi'],
        User: '1000:1000',
        Healthcheck: { Test: ['CMD-SHELL', 'wget -q localhost || exit 1'] },
      });
    }
  });

  for (const engine of ['buildkit', 'buildah'] as const) {
    it(`${engine}: two RUNs and the same commands joined with && build the same image`, async () => {
      const files = { 'requirements.txt': 'flask==3.0.0\n-r requirements-extra.txt\n', 'requirements-extra.txt': 'gunicorn\n' };
      const before: Scenario = {
        dockerfile: 'FROM python:3.11\nWORKDIR /srv\nCOPY requirements*.txt ./\nRUN pip install -r requirements.txt\nRUN mkdir -p /srv/data && echo ready > /srv/data/state\n',
        files,
      };
      const after: Scenario = {
        dockerfile: 'FROM python:3.11\nWORKDIR /srv\nCOPY requirements*.txt ./\nRUN pip install -r requirements.txt && \\\n    mkdir -p /srv/data && echo ready > /srv/data/state\n',
        files,
      };
      const r = await compareScenarios(engine, before, after);
      expect(r.diff).toBeNull();
      expect(r.equal).toBe(true);
      expect(r.a.ok && r.a.image.files['/usr/local/lib/python3.11/site-packages/gunicorn/__init__.py']?.type).toBe('file');
    });
  }

  it('a wrong merge of `RUN cd /tmp` + `RUN touch x` is reported with a readable diff', async () => {
    const before: Scenario = { dockerfile: 'FROM busybox\nWORKDIR /app\nRUN cd /tmp\nRUN touch x\n', files: {} };
    const after: Scenario = { dockerfile: 'FROM busybox\nWORKDIR /app\nRUN cd /tmp && touch x\n', files: {} };
    const r = await compareScenarios('buildkit', before, after);
    expect(r.equal).toBe(false);
    expect(r.diff).toMatch(/^images differ .*: 2 filesystem and 0 config difference\(s\)$/m);
    expect(r.diff).toContain('- /app/x  (file 0644 0:0 0B');
    expect(r.diff).toContain('+ /tmp/x  (file 0644 0:0 0B');
  });

  it('a stand-in fails like the real tool: npm ci without package-lock.json fails the build', async () => {
    const { 'package-lock.json': _lock, ...withoutLock } = npmApp;
    const r = await buildScenario('buildkit', { dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n', files: withoutLock });
    expect(r.ok).toBe(false);
    expect(r.log).toContain('can only install with an existing package-lock.json');
    const ok = await buildScenario('buildkit', { dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n', files: npmApp });
    expect(ok.ok).toBe(true);
  });

  it('identical-except-caches ignores the listed paths and nothing else', async () => {
    const engine: EngineName = 'buildkit';
    const files = { 'requirements.txt': 'requests==2.31.0\n' };
    const base = 'FROM python:3.11\nCOPY requirements.txt /tmp/\n';
    const withCaches: Scenario = { dockerfile: `${base}RUN apt-get update && apt-get install -y curl\nRUN pip install -r /tmp/requirements.txt\n`, files };
    const without: Scenario = {
      dockerfile: `${base}RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN pip install --no-cache-dir -r /tmp/requirements.txt\n`,
      files,
    };
    const a = await buildScenario(engine, withCaches);
    const b = await buildScenario(engine, without);
    if (!a.ok || !b.ok) throw new Error(`build failed:\n${a.log}\n${b.log}`);
    expect(a.image.files['/root/.cache/pip']?.type).toBe('dir');
    expect(b.image.files['/root/.cache']).toBeUndefined();

    const strict = compareImages(a.image, b.image);
    expect(strict).toContain('- /var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease');
    expect(strict).toContain('- /root/.cache');
    expect(compareImages(a.image, b.image, { ignorePaths: ['/var/lib/apt/lists', '/root/.cache/pip'] })).toBeNull();
    // Only the listed paths: leaving one out keeps its differences.
    const partial = compareImages(a.image, b.image, { ignorePaths: ['/var/lib/apt/lists'] });
    expect(partial).toContain('/root/.cache/pip');
    expect(partial).not.toContain('/var/lib/apt/lists');
    // A real difference outside the caches is still caught.
    const other = await buildScenario(engine, {
      dockerfile: `${base}RUN apt-get update && apt-get install -y curl wget && rm -rf /var/lib/apt/lists/*\nRUN pip install --no-cache-dir -r /tmp/requirements.txt\n`,
      files,
    });
    if (!other.ok) throw new Error(other.log);
    const real = compareImages(a.image, other.image, { ignorePaths: ['/var/lib/apt/lists', '/root/.cache/pip', '/var/cache/apt'] });
    expect(real).toContain('+ /usr/share/doc/wget/installed');
  });

  for (const engine of ['buildkit', 'buildah'] as const) {
    it(`${engine}: the cache probe sees npm ci re-run after COPY . . but not after a manifest-only COPY`, async () => {
      const naive = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\nCMD ["node", "dist/index.js"]\n';
      const split =
        'FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nCMD ["node", "dist/index.js"]\n';
      const a = await cacheProbe(engine, naive, npmApp, 'src/index.js');
      expect(a.warnings).toEqual([]);
      expect(a.ok).toBe(true);
      expect(a.rerun.map((s) => `${s.line} ${s.text}`)).toEqual(['3 COPY . .', '4 RUN npm ci', '5 RUN npm run build']);

      const b = await cacheProbe(engine, split, npmApp, 'src/index.js');
      expect(b.warnings).toEqual([]);
      expect(b.rerun.map((s) => `${s.line} ${s.text}`)).toEqual(['5 COPY . .', '6 RUN npm run build']);
      expect(b.steps.find((s) => s.text === 'RUN npm ci')?.status).toBe('cached');

      // Editing the manifest itself re-runs the install in both layouts.
      const c = await cacheProbe(engine, split, npmApp, 'package-lock.json');
      expect(c.rerun.map((s) => s.text)).toContain('RUN npm ci');

      // The same probe again gives the same answer: earlier builds cannot answer for the rebuild.
      if (engine === 'buildkit') {
        const again = await cacheProbe(engine, naive, npmApp, 'src/index.js');
        expect(again.rerun.map((s) => s.line)).toEqual([3, 4, 5]);
      }
    });
  }
});
