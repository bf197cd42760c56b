/**
 * The fixture-pair runner the transform tests share: every directory under fixtures/<id>/ holds
 * input.Dockerfile and the output.Dockerfile the transform must produce from it, byte for byte
 * (output == input when it must skip). A case may add:
 *   options.json  { "options": {…transform options}, "unsafe": true }
 *   context/      the build context the transform may read.
 * Cases named skip-* must leave the file alone and give at least one finding with a reason; the
 * `reasons` map says what that reason must say.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findProblems } from '../../src/engine/problems.js';
import { optimize, type OptimizeOptions } from '../../src/index.js';
import { parseDockerfile } from '../../src/model/dockerfile.js';

export const FIXTURES_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface FixtureCase {
  name: string;
  dir: string;
  input: Buffer;
  expected: Buffer;
  options: OptimizeOptions;
}

export function fixtureCases(id: string): FixtureCase[] {
  const root = path.join(FIXTURES_ROOT, id);
  return readdirSync(root)
    .filter((name) => statSync(path.join(root, name)).isDirectory())
    .sort()
    .map((name) => readFixture(id, name));
}

export function readFixture(id: string, name: string): FixtureCase {
  const dir = path.join(FIXTURES_ROOT, id, name);
  const optionsFile = path.join(dir, 'options.json');
  const extra = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as { options?: Record<string, unknown>; unsafe?: boolean }) : {};
  const contextDir = path.join(dir, 'context');
  return {
    name,
    dir,
    input: readFileSync(path.join(dir, 'input.Dockerfile')),
    expected: readFileSync(path.join(dir, 'output.Dockerfile')),
    options: {
      only: [id],
      ...(extra.options ? { transformOptions: { [id]: extra.options } } : {}),
      ...(extra.unsafe ? { unsafe: true } : {}),
      ...(existsSync(contextDir) ? { contextDir } : {}),
    },
  };
}

export interface FixtureSuite {
  id: string;
  /** The suite fails when there are fewer cases than this. */
  minCases: number;
  /** Skip cases (output == input) and a piece of the reason one of their findings must give. */
  reasons: Record<string, RegExp>;
}

/** Registers the fixture tests of one transform with vitest. */
export function describeFixtures(suite: FixtureSuite): void {
  const cases = fixtureCases(suite.id);

  describe(`${suite.id} fixtures`, () => {
    it('has the fixture cases', () => {
      expect(cases.length).toBeGreaterThanOrEqual(suite.minCases);
    });

    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, fixture) => {
      const result = await optimize(fixture.input.toString('utf8'), fixture.options);
      // Strings first for a readable diff, then the bytes (BOM, CRLF) themselves.
      expect(result.output).toBe(fixture.expected.toString('utf8'));
      expect(Buffer.from(result.output, 'utf8').equals(fixture.expected)).toBe(true);
      expect(result.passes > 0).toBe(!fixture.expected.equals(fixture.input));
      expect(findProblems(parseDockerfile(result.output))).toEqual([]);
      for (const finding of result.findings) {
        expect(finding.transform).toBe(suite.id);
        expect(finding.reason.trim()).not.toBe('');
      }
      if (fixture.name.startsWith('skip-')) {
        expect(fixture.expected.equals(fixture.input)).toBe(true);
        expect(result.findings.filter((f) => !f.applied).length).toBeGreaterThan(0);
      }

      const again = await optimize(result.output, fixture.options);
      expect(again.output).toBe(result.output);
      expect(again.passes).toBe(0);
    });
  });

  if (Object.keys(suite.reasons).length === 0) return;
  describe(`${suite.id} skip findings`, () => {
    it.each(Object.entries(suite.reasons))('%s says why', async (name, reason) => {
      const fixture = readFixture(suite.id, name);
      expect(fixture.expected.equals(fixture.input)).toBe(true);
      const { findings } = await optimize(fixture.input.toString('utf8'), fixture.options);
      const open = findings.filter((f) => !f.applied);
      expect(open.map((f) => f.reason)).toContainEqual(expect.stringMatching(reason));
    });
  });
}
