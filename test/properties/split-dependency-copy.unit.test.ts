/**
 * split-dependency-copy, in process, over generated scenarios (no build engine): the output
 * parses, a second run changes nothing, every original instruction survives byte for byte (the
 * folder COPY moves, it is not rewritten), and a rewrite only adds COPY lines of files the
 * context really sends. It also checks that every ecosystem of the generator gets a fair share
 * of rewritten scenarios, which are the ones the real-engine property builds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findProblems } from '../../src/engine/problems.js';
import { optimize } from '../../src/index.js';
import { openBuildContext } from '../../src/model/context.js';
import { parseDockerfile } from '../../src/model/dockerfile.js';
import { writeContext } from '../e2e/engine/index.js';
import { SPLIT_ECOSYSTEMS, splitScenarioArb } from './split-scenarios.js';

const RUNS = Number(process.env['DOCKEROPT_UNIT_PROPERTY_RUNS'] ?? 600);

describe('split-dependency-copy in process', () => {
  it('parses, is idempotent, keeps every instruction and copies only sent files', async () => {
    let rewritten = 0;
    const byEcosystem: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(splitScenarioArb, async (scenario) => {
        const contextDir = mkdtempSync(path.join(tmpdir(), 'dockeropt-split-unit-'));
        try {
          writeContext(contextDir, scenario.files);
          const options = { only: ['split-dependency-copy'], contextDir };
          const { output } = await optimize(scenario.dockerfile, options);
          const after = parseDockerfile(output);
          expect(findProblems(after)).toEqual([]);
          expect((await optimize(output, options)).output).toBe(output);

          const before = parseDockerfile(scenario.dockerfile);
          const remaining = after.instructions.map((i) => output.slice(i.start, i.end));
          for (const instruction of before.instructions) {
            const text = scenario.dockerfile.slice(instruction.start, instruction.end);
            if (instruction.keyword === 'RUN' && !remaining.includes(text)) {
              // A split RUN: its two halves together hold the same commands.
              expect(remaining.join('\n').replace(/\s+/g, '')).toContain(instruction.args.split('&&')[0]!.replace(/\s+/g, ''));
            } else {
              expect(remaining).toContain(text);
            }
          }
          if (output === scenario.dockerfile) return;
          rewritten++;
          byEcosystem[scenario.ecosystem] = (byEcosystem[scenario.ecosystem] ?? 0) + 1;
          const context = openBuildContext(contextDir);
          const added = after.instructions.filter((i) => i.keyword === 'COPY' && !before.instructions.some((b) => b.args === i.args && b.flags.length === i.flags.length));
          expect(added.length).toBeGreaterThan(0);
          for (const copy of added) {
            const sources = copy.node.getArguments().map((a) => a.getValue()).slice(0, -1);
            for (const source of sources) expect(context.isSent(source), source).toBe(true);
          }
        } finally {
          rmSync(contextDir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS, seed: 424242 },
    );
    expect(rewritten).toBeGreaterThan(RUNS / 10);
    // Each ecosystem gets at least a third of an even share of the rewritten scenarios.
    for (const ecosystem of SPLIT_ECOSYSTEMS) {
      expect(byEcosystem[ecosystem] ?? 0, `rewritten ${ecosystem} scenarios of ${rewritten}`).toBeGreaterThanOrEqual(rewritten / SPLIT_ECOSYSTEMS.length / 3);
    }
  }, 300_000);
});
