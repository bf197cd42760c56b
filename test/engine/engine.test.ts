/**
 * The engine through the public API: which input it refuses (and how it says so), and how it
 * applies, orders, drops and stops transforms' fixes. The transforms here are tiny test doubles.
 */
import { describe, expect, it } from 'vitest';
import { MAX_PASSES } from '../../src/engine/optimize.js';
import type { Proposal, Transform } from '../../src/engine/types.js';
import { InputError, optimize } from '../../src/index.js';
import type { DockerfileModel, InstructionView } from '../../src/model/dockerfile.js';

async function inputError(source: string, options = {}): Promise<InputError> {
  try {
    await optimize(source, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`optimize accepted ${JSON.stringify(source)}`);
}

/** A transform that proposes, for each RUN `when` accepts, to replace its arguments by `rewrite(args)`. */
function rewriteRuns(
  id: string,
  priority: number,
  when: (run: InstructionView) => boolean,
  rewrite: (args: string) => string,
): Transform {
  return {
    id,
    title: id,
    contract: 'identical',
    priority,
    run(doc: DockerfileModel): Proposal[] {
      return doc.instructions
        .filter((i) => i.keyword === 'RUN' && when(i))
        .map((i) => ({
          message: `${id} at line ${i.startLine + 1}`,
          reason: `${id} rewrites the arguments`,
          start: i.argsStart,
          end: i.end,
          edits: [{ start: i.argsStart, end: i.end, text: rewrite(i.argsText) }],
        }));
    },
  };
}

describe('input the engine refuses', () => {
  it('an unknown instruction, naming it and its line', async () => {
    const error = await inputError('FROM alpine\nRUN true\nFROOM x\n');
    expect(error.message).toMatch(/line 3: unknown instruction "FROOM"/);
    expect(error.problems).toEqual([{ line: 3, message: 'unknown instruction "FROOM"' }]);
  });

  it('an unterminated heredoc', async () => {
    const error = await inputError('FROM alpine\nRUN <<EOF\necho hi\nRUN true\n');
    expect(error.message).toMatch(/line 2: unterminated heredoc in RUN/);
  });

  it('a line continuation at the end of the file, with or without a final newline', async () => {
    for (const source of ['FROM alpine\nRUN true && \\', 'FROM alpine\nRUN true && \\\n', 'FROM alpine\nRUN true && \\\n\n\n']) {
      const error = await inputError(source);
      expect(error.message).toMatch(/line 2: line continuation \(\\\) at the end of the file/);
    }
  });

  it('a backtick continuation at the end of the file under `# escape=`', async () => {
    const error = await inputError('# escape=`\nFROM alpine\nRUN true && `\n');
    expect(error.message).toMatch(/line 3: line continuation \(`\) at the end of the file/);
  });

  it('NUL bytes', async () => {
    const error = await inputError('FROM alpine\nRUN true\u0000\n');
    expect(error.message).toMatch(/NUL/);
  });

  it('NUL bytes, naming the line', async () => {
    const error = await inputError('FROM alpine\nRUN true\u0000\n');
    expect(error.message).toMatch(/line 2/);
  });

  it('an instruction before the first FROM (ARG is allowed there)', async () => {
    const error = await inputError('ARG VERSION=1\nRUN true\nFROM alpine\n');
    expect(error.message).toMatch(/line 2: RUN before the first FROM/);
    await expect(optimize('ARG VERSION=1\nFROM alpine:${VERSION}\nRUN true\n')).resolves.toMatchObject({ passes: 0 });
  });

  it('an invalid escape directive', async () => {
    const error = await inputError('# escape=x\nFROM alpine\n');
    expect(error.message).toMatch(/line 1: invalid escape directive/);
  });

  it('names every problem, each with its line', async () => {
    const error = await inputError('RUN a\nFROM alpine\nBOGUS 1\nRUN b\nNOPE 2\n');
    expect(error.problems.map((p) => p.line)).toEqual([1, 3, 5]);
    expect(error.message).toMatch(/line 1: .*; line 3: .*; line 5: /);
  });

  it('an unknown transform id in `only` or `skip`', async () => {
    const only = await inputError('FROM alpine\n', { only: ['merge-runz'] });
    expect(only.message).toMatch(/unknown transform "merge-runz"; known: .*merge-runs/);
    const skip = await inputError('FROM alpine\n', { skip: ['nope'] });
    expect(skip.message).toMatch(/unknown transform "nope"/);
  });
});

describe('input the engine accepts', () => {
  const merged = 'RUN a && \\\n    b';

  it('CRLF line endings, kept in the output', async () => {
    const { output } = await optimize('FROM alpine\r\nRUN a\r\nRUN b\r\n', { only: ['merge-runs'] });
    expect(output).toBe(`FROM alpine\r\n${merged.replace(/\n/g, '\r\n')}\r\n`);
  });

  it('a byte order mark, kept in the output', async () => {
    const { output } = await optimize('\uFEFFFROM alpine\nRUN a\nRUN b\n', { only: ['merge-runs'] });
    expect(output).toBe(`\uFEFFFROM alpine\n${merged}\n`);
  });

  it('the escape directive, whose character the fixes use', async () => {
    const { output } = await optimize('# escape=`\nFROM alpine\nRUN a `\n  x\nRUN b\n', { only: ['merge-runs'] });
    expect(output).toBe('# escape=`\nFROM alpine\nRUN a `\n  x && `\n    b\n');
  });

  it('all three at once', async () => {
    const { output } = await optimize('\uFEFF# escape=`\r\nFROM alpine\r\nRUN a\r\nRUN b\r\n', { only: ['merge-runs'] });
    expect(output).toBe('\uFEFF# escape=`\r\nFROM alpine\r\nRUN a && `\r\n    b\r\n');
  });

  it('an empty file and a file of comments, unchanged', async () => {
    for (const source of ['', '\n', '# nothing here\n']) {
      await expect(optimize(source)).resolves.toEqual({ output: source, findings: [], passes: 0 });
    }
  });
});

describe('applying fixes', () => {
  it('drops a fix that breaks the Dockerfile and reports it as an internal error', async () => {
    const broken: Transform = {
      id: 'broken',
      title: 'breaks things',
      contract: 'identical',
      priority: 1,
      run(doc) {
        const from = doc.instructions[0]!;
        return [{ message: 'adds a bogus instruction', reason: 'test', start: from.start, end: from.end, edits: [{ start: from.end, end: from.end, text: '\nBOGUS instruction' }] }];
      },
    };
    const source = 'FROM alpine\nRUN true\n';
    const result = await optimize(source, { transforms: [broken] });
    expect(result.output).toBe(source);
    expect(result.passes).toBe(0);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ transform: 'broken', applied: false, fixable: false });
    expect(result.findings[0]!.message).toMatch(/^internal error in broken: its fix broke the Dockerfile/);
  });

  it('keeps the good fixes of a pass when another one breaks the Dockerfile', async () => {
    const unterminated = rewriteRuns('unterminated', 1, (i) => i.args === 'b', () => 'b \\');
    const upper = rewriteRuns('upper', 1, (i) => i.args === 'a', (args) => args.toUpperCase());
    const result = await optimize('FROM alpine\nRUN a\nCMD x\nRUN b\n', { transforms: [unterminated, upper] });
    expect(result.output).toBe('FROM alpine\nRUN A\nCMD x\nRUN b\n');
    expect(result.findings.filter((f) => f.applied).map((f) => f.transform)).toEqual(['upper']);
    const dropped = result.findings.filter((f) => f.transform === 'unterminated');
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ applied: false, fixable: false });
    expect(dropped[0]!.message).toMatch(/^internal error in unterminated/);
  });

  it('still reports a dropped fix when the next pass no longer proposes it', async () => {
    // `unterminated` only fires while a lowercase `RUN b` exists, which `upper` changes in pass 1.
    const unterminated = rewriteRuns('unterminated', 1, (i) => i.args === 'a', () => 'a \\');
    const gated: Transform = { ...unterminated, run: (doc, ctx) => (doc.source.includes('RUN b') ? unterminated.run(doc, ctx) : []) };
    const upper = rewriteRuns('upper', 1, (i) => i.args === 'b', (args) => args.toUpperCase());
    const result = await optimize('FROM alpine\nRUN b\nCMD x\nRUN a\n', { transforms: [gated, upper] });
    expect(result.output).toBe('FROM alpine\nRUN B\nCMD x\nRUN a\n');
    const dropped = result.findings.filter((f) => f.transform === 'unterminated');
    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.message).toMatch(/^internal error in unterminated/);
    expect(dropped[0]!.range.startLine).toBe(4);
  });

  it('applies the higher-priority fix first and re-runs the other on the new text', async () => {
    const high = rewriteRuns('high', 20, (i) => !i.args.includes('H'), (args) => `${args} H`);
    const low = rewriteRuns('low', 5, (i) => !i.args.includes('L'), (args) => `${args} L`);
    for (const order of [[high, low], [low, high]]) {
      const result = await optimize('FROM alpine\nRUN x\n', { transforms: order });
      expect(result.output).toBe('FROM alpine\nRUN x H L\n');
      expect(result.passes).toBe(2);
      const applied = result.findings.filter((f) => f.applied);
      expect(applied.map((f) => [f.transform, f.pass])).toEqual([['high', 1], ['low', 2]]);
    }
  });

  it('applies fixes that do not overlap in the same pass', async () => {
    const a = rewriteRuns('on-a', 1, (i) => i.args === 'a', () => 'a2');
    const b = rewriteRuns('on-b', 1, (i) => i.args === 'b', () => 'b2');
    const result = await optimize('FROM alpine\nRUN a\nENV X=1\nRUN b\n', { transforms: [a, b] });
    expect(result.output).toBe('FROM alpine\nRUN a2\nENV X=1\nRUN b2\n');
    expect(result.passes).toBe(1);
  });

  it('stops a transform that cycles', async () => {
    const toggle = rewriteRuns('toggle', 1, () => true, (args) => (args === 'x' ? 'y' : 'x'));
    const result = await optimize('FROM alpine\nRUN x\n', { transforms: [toggle] });
    expect(result.passes).toBeLessThanOrEqual(MAX_PASSES);
    expect(result.output).toBe('FROM alpine\nRUN y\n');
  });

  it('stops a transform that never settles after at most MAX_PASSES passes', async () => {
    const grow = rewriteRuns('grow', 1, () => true, (args) => `${args}!`);
    const result = await optimize('FROM alpine\nRUN x\n', { transforms: [grow] });
    expect(MAX_PASSES).toBeLessThanOrEqual(10);
    expect(result.passes).toBe(MAX_PASSES);
    expect(result.output).toBe(`FROM alpine\nRUN x${'!'.repeat(MAX_PASSES)}\n`);
  });

  it('reports runtime-equivalent fixes as suggestions unless unsafe', async () => {
    const risky: Transform = { ...rewriteRuns('risky', 1, (i) => i.args === 'x', () => 'y'), contract: 'runtime-equivalent' };
    const safe = await optimize('FROM alpine\nRUN x\n', { transforms: [risky] });
    expect(safe.output).toBe('FROM alpine\nRUN x\n');
    expect(safe.findings).toMatchObject([{ transform: 'risky', applied: false, fixable: true }]);
    const unsafe = await optimize('FROM alpine\nRUN x\n', { transforms: [risky], unsafe: true });
    expect(unsafe.output).toBe('FROM alpine\nRUN y\n');
  });
});

describe('ignore pragmas', () => {
  const upper = rewriteRuns('upper', 1, (i) => i.args !== i.args.toUpperCase(), (args) => args.toUpperCase());

  it('`# dockeropt ignore=<id>` above an instruction suppresses that transform there', async () => {
    const source = 'FROM alpine\n# dockeropt ignore=upper\nRUN a\nRUN b\n';
    const result = await optimize(source, { transforms: [upper] });
    expect(result.output).toBe('FROM alpine\n# dockeropt ignore=upper\nRUN a\nRUN B\n');
    expect(result.findings.map((f) => f.message)).toEqual(['upper at line 4']);
  });

  it('a bare `# dockeropt ignore`, and a list of ids', async () => {
    for (const pragma of ['# dockeropt ignore', '# dockeropt ignore=other,upper', '#dockeropt ignore=upper']) {
      const source = `FROM alpine\n${pragma}\n# another comment\nRUN a\n`;
      const result = await optimize(source, { transforms: [upper] });
      expect(result.output).toBe(source);
      expect(result.findings).toEqual([]);
    }
  });

  it('does not suppress other transforms, nor reach past a blank line', async () => {
    for (const source of ['FROM alpine\n# dockeropt ignore=other\nRUN a\n', 'FROM alpine\n# dockeropt ignore=upper\n\nRUN a\n']) {
      const result = await optimize(source, { transforms: [upper] });
      expect(result.output).toBe(source.replace('RUN a', 'RUN A'));
    }
  });

  it('suppresses merge-runs findings, skips included', async () => {
    const skipped = 'FROM alpine\nRUN a # note\nRUN b\n';
    expect((await optimize(skipped, { only: ['merge-runs'] })).findings).toHaveLength(1);
    const ignored = 'FROM alpine\n# dockeropt ignore=merge-runs\nRUN a # note\nRUN b\n';
    expect(await optimize(ignored, { only: ['merge-runs'] })).toEqual({ output: ignored, findings: [], passes: 0 });
  });
});
