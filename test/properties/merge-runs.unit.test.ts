/**
 * In-process properties of merge-runs and the engine over generated Dockerfiles (see
 * generators.ts): the rewrite is well-formed, idempotent and touches only what it means to, and
 * (f) a simulated build (simulate.ts, its own shell parser) gives the same filesystems. The
 * real-engine suite proves the contract with real builds, over fewer cases.
 *
 * Reproduce a failure with the seed (and path) fast-check prints:
 *   FC_SEED=<seed> FC_PATH=<path> npx vitest run --project unit test/properties/merge-runs.unit.test.ts
 * FC_RUNS=<n> changes the number of cases per property (300 by default; (f) runs three times as many).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { findProblems } from '../../src/engine/problems.js';
import { InputError, optimize } from '../../src/index.js';
import { parseDockerfile, type DockerfileModel, type InstructionView } from '../../src/model/dockerfile.js';
import { analyzeScript, loadShellParser } from '../../src/model/shell.js';
import { dockerfileArb, type GeneratedDockerfile } from './generators.js';
import { simulateBuild, Unsupported, type BuildOutcome } from './simulate.js';

// A fixed seed keeps CI repeatable; FC_SEED explores others.
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 1_129_2026;
const RUNS = Math.max(Number(process.env.FC_RUNS ?? 300), 1);
const PARAMS: fc.Parameters<[GeneratedDockerfile]> = {
  seed: SEED,
  numRuns: RUNS,
  ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
};
const OPTIONS = { only: ['merge-runs'] };
/** A property takes a few milliseconds per case; leave room for slow machines and large FC_RUNS. */
const TIMEOUT = 30_000 + RUNS * 120;

// Printed so that a failure can be replayed even when fast-check's own report is cut off.
console.info(`merge-runs properties: FC_SEED=${SEED} FC_RUNS=${RUNS}`);

beforeAll(async () => {
  await loadShellParser();
});

function flagKey(run: InstructionView): string {
  return run.flags.map((f) => f.text.trim()).sort().join(' ');
}

/**
 * What a RUN runs, one entry per shell command, each tagged with the RUN's flags. Exec-form and
 * heredoc RUNs count as one opaque entry: their text.
 */
function runUnits(run: InstructionView): string[] {
  const flags = flagKey(run);
  if (run.execForm || run.hasHeredoc) return [`${flags} | ${run.hasHeredoc ? 'heredoc' : 'exec'}: ${run.argsText}`];
  return analyzeScript(run.args).commandWords.map((words) => `${flags} | ${JSON.stringify(words)}`);
}

/** Per stage, the commands its RUNs run, in order. */
function commandsPerStage(doc: DockerfileModel): string[][] {
  return doc.stages.map((stage) => stage.instructions.filter((i) => i.keyword === 'RUN').flatMap(runUnits));
}

/** The commands of each run of consecutive RUNs, split at every other instruction. */
function commandsPerBlock(doc: DockerfileModel): string[][] {
  const blocks: string[][] = [[]];
  for (const instruction of doc.instructions) {
    if (instruction.keyword === 'RUN') blocks[blocks.length - 1]!.push(...runUnits(instruction));
    else blocks.push([]);
  }
  return blocks;
}

function nonRunInstructions(doc: DockerfileModel): string[] {
  return doc.instructions.filter((i) => i.keyword !== 'RUN').map((i) => doc.source.slice(i.start, i.end));
}

/** Each comment from its `#` on (merging may re-indent a comment line, never change it). */
function comments(doc: DockerfileModel): string[] {
  return doc.comments.map((c) => doc.source.slice(c.start, c.end));
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0]!;
}

describe('merge-runs on generated Dockerfiles', () => {
  it('the generator only produces valid Dockerfiles', () => {
    fc.assert(
      fc.property(dockerfileArb(), ({ text }) => {
        expect(findProblems(parseDockerfile(text))).toEqual([]);
      }),
      PARAMS,
    );
  }, TIMEOUT);

  it('(a) never throws, (b) its output has no problems, (c) a second run changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(dockerfileArb(), async ({ text }) => {
        const first = await optimize(text, OPTIONS);
        expect(findProblems(parseDockerfile(first.output))).toEqual([]);
        const second = await optimize(first.output, OPTIONS);
        expect(second.output).toBe(first.output);
        expect(second.passes).toBe(0);
      }),
      PARAMS,
    );
  }, TIMEOUT);

  it('(b) every RUN it writes is a script the shell can parse', async () => {
    await fc.assert(
      fc.asyncProperty(dockerfileArb(), async ({ text }) => {
        const { output } = await optimize(text, OPTIONS);
        const input = parseDockerfile(text);
        const before = new Set(input.instructions.map((i) => text.slice(i.start, i.end)));
        const after = parseDockerfile(output);
        const written = after.instructions.filter((i) => i.keyword === 'RUN' && !before.has(after.source.slice(i.start, i.end)));
        for (const run of written) {
          expect(run.execForm).toBeNull();
          expect(run.hasHeredoc).toBe(false);
          expect(analyzeScript(run.args).parseError).toBe(false);
        }
      }),
      PARAMS,
    );
  }, TIMEOUT);

  it('(d) keeps every byte it does not mean to touch: other instructions, comments, line endings, BOM, directives', async () => {
    await fc.assert(
      fc.asyncProperty(dockerfileArb(), async ({ text }) => {
        const { output } = await optimize(text, OPTIONS);
        const before = parseDockerfile(text);
        const after = parseDockerfile(output);
        expect(nonRunInstructions(after)).toEqual(nonRunInstructions(before));
        expect(comments(after)).toEqual(comments(before));
        expect(output.startsWith('\uFEFF')).toBe(text.startsWith('\uFEFF'));
        expect(firstLine(output)).toBe(firstLine(text));
        expect(after.escapeChar).toBe(before.escapeChar);
        if (!text.includes('\r')) expect(output).not.toContain('\r');
        if (text.includes('\r\n')) expect(output).not.toMatch(/(^|[^\r])\n/);
        // Merging removes only whole lines' worth of RUN keywords, blanks and joins: never adds lines.
        expect(after.lineStarts.length).toBeLessThanOrEqual(before.lineStarts.length);
        expect(after.instructions.length).toBeLessThanOrEqual(before.instructions.length);
        expect(after.stages.map((s) => s.base)).toEqual(before.stages.map((s) => s.base));
      }),
      PARAMS,
    );
  }, TIMEOUT);

  it('(e) runs the same shell commands, with the same flags, in the same order, per stage and between instructions', async () => {
    await fc.assert(
      fc.asyncProperty(dockerfileArb(), async ({ text }) => {
        const { output } = await optimize(text, OPTIONS);
        const before = parseDockerfile(text);
        const after = parseDockerfile(output);
        expect(commandsPerStage(after)).toEqual(commandsPerStage(before));
        expect(commandsPerBlock(after)).toEqual(commandsPerBlock(before));
      }),
      PARAMS,
    );
  }, TIMEOUT);

  it('(f) builds the same image: the simulator gives the same filesystems, or fails the build both times', async () => {
    let simulated = 0;
    await fc.assert(
      fc.asyncProperty(dockerfileArb(), async ({ text }) => {
        const { output } = await optimize(text, OPTIONS);
        let before: BuildOutcome;
        try {
          before = simulateBuild(text);
        } catch (error) {
          if (error instanceof Unsupported) return;
          throw error;
        }
        simulated++;
        expect(simulateBuild(output)).toEqual(before);
      }),
      // The contract property: three times the cases, since a wrong rewrite needs a rare mix.
      { ...PARAMS, numRuns: RUNS * 3 },
    );
    expect(simulated).toBeGreaterThan(RUNS * 3 * 0.9);
  }, TIMEOUT);

  it('merges something in a good share of the cases (the generator exercises the transform)', async () => {
    let merged = 0;
    let skipped = 0;
    await fc.assert(
      fc.asyncProperty(dockerfileArb(), async ({ text }) => {
        const { findings } = await optimize(text, OPTIONS);
        if (findings.some((f) => f.applied)) merged++;
        if (findings.some((f) => !f.applied)) skipped++;
      }),
      PARAMS,
    );
    expect(merged).toBeGreaterThan(RUNS / 4);
    expect(skipped).toBeGreaterThan(RUNS / 10);
  }, TIMEOUT);
});

describe('the engine on junk', () => {
  /** Either a result, or an InputError: never another exception, never a hang. */
  async function survives(text: string): Promise<void> {
    let output: string;
    try {
      ({ output } = await optimize(text));
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return;
    }
    expect(findProblems(parseDockerfile(output))).toEqual([]);
    expect((await optimize(output)).output).toBe(output);
  }

  const junkParams = { seed: SEED, numRuns: RUNS };

  it('arbitrary strings', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 200 }), survives), junkParams);
  }, TIMEOUT);

  it('arbitrary Unicode, lone surrogates included', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), survives), junkParams);
  }, TIMEOUT);

  it('Dockerfile-shaped junk', async () => {
    const fragment = fc.constantFrom(
      'FROM a', 'FROM a AS b', 'RUN ', 'RUN', 'run ', 'CMD ', 'ENV X=1', 'SHELL ["pwsh"]', '\\', '`', ' ', '\t', '\n', '\r\n', '\r', '#', '# c',
      '# escape=`', '# escape=\\', '# dockeropt ignore', '\uFEFF', '<<EOF', 'EOF', '"', "'", '&&', '||', ';', '|', '&', '(', ')', '{', '}', '$(', '`',
      'cd x', 'X=1', 'exit 0', 'true', '--mount=type=cache,target=/x', '--network=none', '["a"]', '[', ']', ',', '$X', '${X:=1}',
    );
    const junk = fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join(''));
    await fc.assert(fc.asyncProperty(junk, survives), junkParams);
  }, TIMEOUT);
});
