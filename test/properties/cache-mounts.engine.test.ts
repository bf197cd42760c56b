/**
 * cache-mounts keeps the image except its mount targets: real builds of generated scenarios
 * (hygiene-scenarios.ts: npm, pip, apt, Go; with cleanups the default policy drops, a non-root
 * USER, steps that list a cache folder) on BuildKit and buildah, which both run
 * `RUN --mount=type=cache` (see engine-check.ts).
 *
 * And the point of the mount: a second build with a changed lockfile finds the first build's
 * npm downloads in the cache (the stand-in keys its cache entries by the lockfile), where the
 * original keeps them only in a layer the changed lockfile throws away.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { optimize } from '../../src/index.js';
import { buildScenario, ENGINES, engineGate } from '../e2e/engine/index.js';
import { checkTransformOnEngines, describeReport, PROPERTY_RUNS } from './engine-check.js';
import { cacheMountScenarios } from './hygiene-scenarios.js';

const gate = engineGate();
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const PACKAGE_JSON = '{\n  "name": "probe",\n  "version": "1.0.0",\n  "dependencies": { "left-pad": "1.3.0" }\n}\n';
const lockfile = (serial: string) => `{\n  "name": "probe",\n  "lockfileVersion": 3,\n  "serial": "${serial}",\n  "packages": {}\n}\n`;

/** Where the npm stand-in files the cache entry of `dep` installed from this lockfile. */
function cacheEntry(dep: string, lock: string): string {
  const key = sha(`${dep} ${sha(lock)}`);
  return `/root/.npm/_cacache/index-v5/${key.slice(0, 2)}/${key.slice(2, 4)}/${key.slice(4)}`;
}

describe.skipIf(gate.skip)('cache-mounts on real engines', () => {
  it('keeps the image identical except the declared cache paths wherever it rewrites', async () => {
    const report = await checkTransformOnEngines('cache-mounts', cacheMountScenarios);
    console.log(describeReport(report));
    expect(report.mismatches).toBe(0);
    expect(report.built).toBeGreaterThan(0);
  }, PROPERTY_RUNS * 60_000);

  it.each(ENGINES)('%s: after a lockfile change the npm cache still holds the first build\'s downloads', async (engine) => {
    const original = 'FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n';
    const { output: rewritten } = await optimize(original, { only: ['cache-mounts'] });
    expect(rewritten).toContain('RUN --mount=type=cache,target=/root/.npm npm ci');
    const stamp = `${engine}-${Date.now()}`;
    const [lockA, lockB] = [lockfile(`${stamp}-a`), lockfile(`${stamp}-b`)];
    // Looks into the cache after the install: does the entry of the first lockfile survive?
    const probe = `RUN --mount=type=cache,target=/root/.npm if test -f ${cacheEntry('left-pad', lockA)}; then echo hit; else echo miss; fi > /cache-probe.txt\n`;
    const seen = async (dockerfile: string) => {
      for (const lock of [lockA, lockB]) {
        const result = await buildScenario(engine, { dockerfile: dockerfile + probe, files: { 'package.json': PACKAGE_JSON, 'package-lock.json': lock } });
        if (!result.ok) throw new Error(result.log);
        if (lock === lockB) return result.image.files['/cache-probe.txt']?.text?.trim();
      }
      return undefined;
    };
    const before = await seen(original);
    const after = await seen(rewritten);
    console.log(`[dockeropt properties] cache-mounts reuse probe on ${engine}: the first lockfile's npm download is a ${before} in the original's cache, a ${after} in the rewrite's`);
    expect(before).toBe('miss');
    expect(after).toBe('hit');
  }, 300_000);
});
