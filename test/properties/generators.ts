/**
 * fast-check generators of valid Dockerfiles, shared by the in-process property tests, the
 * real-engine property suite and the benchmark.
 *
 * A Dockerfile is generated as plain data ({@link DockerfileSpec}: it shrinks well and prints
 * readably in a counterexample) and rendered to text by {@link renderDockerfile}. The text is
 * always valid input (it starts with FROM after optional global ARGs, every heredoc is closed, no
 * continuation runs into the end of the file), and mixes what the transforms must survive:
 * stages (also `FROM <earlier stage>`), WORKDIR/ENV/ARG/USER/COPY/SHELL/LABEL/EXPOSE/CMD/ENTRYPOINT,
 * shell-form RUNs joined by `&&`, `||`, `;` and `|` and split over continuation lines with comment
 * and blank lines inside, state-changing steps (`cd`, `export`, `X=1`, `test -f x || exit 0`,
 * `umask`, `set -eux; a; b`), flags (`--mount`, `--network`), exec-form and heredoc RUNs, comments and
 * ignore pragmas between instructions, blank lines, CRLF, a BOM and the ``# escape=` `` directive.
 *
 * Every command is busybox-compatible and writes only relative paths (so under the WORKDIR) or
 * `/tmp`; a few fail on purpose (`test -f x`, `exit`), so that some builds fail and a rewrite must
 * fail them too. A real build needs the {@link CONTEXT_FILES} in its context (for COPY) and a base
 * image with `/tmp` and an `/etc/passwd` that names root (for `USER root`); the options let a
 * suite leave out what its engine cannot build (heredocs, `--network`, `COPY --from`). The
 * simulator in simulate.ts builds these files in-process.
 *
 * @example
 * ```ts
 * fc.assert(fc.asyncProperty(dockerfileArb({ heredocs: false }), async ({ text }) => { … }));
 * ```
 */
import fc from 'fast-check';

/** What may appear in a generated Dockerfile. Every option defaults to "everything". */
export interface GeneratorOptions {
  /** Heredoc RUNs (`RUN <<EOF`). BuildKit's built-in frontend on these machines and buildah 1.28 cannot build them. */
  heredocs?: boolean;
  /** Exec-form RUNs (`RUN ["touch", "x"]`). */
  execForm?: boolean;
  /** The flags a RUN may carry (at most two). Default: a cache mount and `--network=none`. */
  runFlags?: readonly string[];
  /** `COPY --from=<earlier stage>`. */
  copyFromStages?: boolean;
  /** CRLF line endings (for the whole file). */
  crlf?: boolean;
  /** A UTF-8 byte order mark. */
  bom?: boolean;
  /** The ``# escape=` `` directive, with backtick continuations. */
  escapeDirective?: boolean;
  /** `# dockeropt ignore=…` comments. */
  pragmas?: boolean;
  /** `SHELL` instructions (all of them runnable with busybox). */
  shells?: boolean;
  /** Base images for FROM. Default: `alpine:3.19`, `busybox:1.36`. */
  bases?: readonly string[];
  /** Stages per file, at least 1. Default 3. */
  maxStages?: number;
  /** Instructions, comments and blank lines per stage. Default 12. */
  maxItemsPerStage?: number;
}

/** The files COPY reads from the build context, with their contents. */
export const CONTEXT_FILES: Readonly<Record<string, string>> = { 'app.txt': 'hello from the context\n' };

export type ShellOperator = '&&' | '||' | ';' | '|';

/** A comment line (`# …`, maybe indented) or a blank line (`''`, or only spaces) inside a continuation. */
export type ContinuationLine = string;

/** One command of a shell-form RUN after the first, with the operator before it and its layout. */
export interface ShellPart {
  op: ShellOperator;
  command: string;
  /** Put a line continuation before this part. */
  lineBreak: boolean;
  /** With `lineBreak`: `a \⏎ && b` instead of `a && \⏎ b`. */
  operatorFirst: boolean;
  /** With `lineBreak`: comment and blank lines between the two lines. */
  lines: ContinuationLine[];
}

export type ItemSpec =
  | {
      kind: 'run';
      /** `RUN`, or `run`: keywords are case-insensitive. */
      keyword: string;
      flags: string[];
      /** Continue the line right after the keyword (and flags), then these lines, then the script. */
      keywordBreak: ContinuationLine[] | null;
      first: string;
      rest: ShellPart[];
      /** Appended to the last line: `''`, trailing blanks, a `;`, or a `# comment` (a shell comment). */
      trailing: string;
    }
  | { kind: 'run-exec'; flags: string[]; argv: string[] }
  | { kind: 'run-heredoc'; flags: string[]; body: string[] }
  /** Any other instruction, on one line. */
  | { kind: 'line'; text: string }
  | { kind: 'comment'; text: string }
  | { kind: 'blank'; text: string };

export interface StageSpec {
  base: string;
  name: string | null;
  items: ItemSpec[];
}

export interface DockerfileSpec {
  bom: boolean;
  eol: '\n' | '\r\n';
  escape: '\\' | '`';
  /** Lines before the first FROM: global ARGs and comments. */
  preamble: string[];
  stages: StageSpec[];
  finalNewline: boolean;
}

export interface GeneratedDockerfile {
  spec: DockerfileSpec;
  text: string;
}

const FILES = ['f1', 'f2', 'f3', 'sub/f4', '/tmp/f5'];
const DIRS = ['sub', 'd1', '/tmp/d2'];
const VARS = ['V1', 'V2', 'LANG'];

const file = fc.constantFrom(...FILES);
const dir = fc.constantFrom(...DIRS);
const variable = fc.constantFrom(...VARS);
const value = fc.constantFrom('one', '"two words"', "'quoted'", '42', '');
const text = fc.constantFrom('hello', 'x', '"two words"', "'single quoted'", '"$V1"', '$V2', '"${V1:-unset}"', '"${V2:=assigned}"');

/**
 * One command line of a shell-form RUN, as written (it may itself contain `&&`, `||` or `|`).
 * Commands that write a relative path under `sub/` create `sub` first.
 */
export const shellCommandArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: dir.map((d) => `mkdir -p ${d}`) },
  { weight: 3, arbitrary: fc.tuple(text, fc.constantFrom('>', '>>'), file).map(([t, op, f]) => `${withParent(f)}echo ${t} ${op} ${f}`) },
  { weight: 3, arbitrary: file.map((f) => `${withParent(f)}touch ${f}`) },
  { weight: 2, arbitrary: fc.oneof(file.map((f) => `rm -f ${f}`), dir.map((d) => `rm -rf ${d}`)) },
  { weight: 2, arbitrary: fc.tuple(file, fc.constantFrom('l1', 'l2')).map(([f, l]) => `ln -sf ${f} ${l}`) },
  { weight: 2, arbitrary: fc.tuple(file, fc.constantFrom('600', '755', 'u+x')).map(([f, m]) => `${withParent(f)}touch ${f} && chmod ${m} ${f}`) },
  { weight: 2, arbitrary: fc.constantFrom('/', '/tmp', '..', '.').map((d) => `cd ${d}`) },
  { weight: 2, arbitrary: fc.tuple(variable, value).map(([v, x]) => `export ${v}=${x}`) },
  { weight: 2, arbitrary: fc.tuple(variable, value).map(([v, x]) => `${v}=${x}`) },
  { weight: 2, arbitrary: file.map((f) => `test -f ${f} || exit 0`) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('-f', '-d'), fc.constantFrom(...FILES, ...DIRS)).map(([t, p]) => `test ${t} ${p}`) },
  { weight: 2, arbitrary: fc.tuple(variable, file).map(([v, f]) => `${withParent(f)}echo "$${v}" > ${f}`) },
  { weight: 1, arbitrary: file.map((f) => `${withParent(f)}pwd > ${f}`) },
  { weight: 1, arbitrary: fc.tuple(text, file).map(([t, f]) => `${withParent(f)}echo ${t} | tee ${f}`) },
  { weight: 1, arbitrary: file.map((f) => `${withParent(f)}ls -a > ${f}`) },
  { weight: 1, arbitrary: fc.tuple(text, file).map(([t, f]) => `${withParent(f)}echo ${t} | sort > ${f}`) },
  { weight: 1, arbitrary: fc.constantFrom('true', 'set -e', 'umask 022', 'false || true', '(cd /tmp && touch f6)') },
);

function withParent(path: string): string {
  return path.startsWith('sub/') ? 'mkdir -p sub && ' : '';
}

const commentText = fc.oneof(
  fc.constantFrom('# install the tools', '#', '# note: keep this', '## section', '# a # inside'),
  fc.nat({ max: 99 }).map((n) => `# comment ${n}`),
);
const indent = fc.constantFrom('', '', '  ', '    ', '\t');
const commentLine = fc.tuple(indent, commentText).map(([i, c]) => i + c);
const continuationLine: fc.Arbitrary<ContinuationLine> = fc.oneof({ weight: 4, arbitrary: commentLine }, { weight: 1, arbitrary: fc.constantFrom('', '   ') });

function flagsArb(options: GeneratorOptions): fc.Arbitrary<string[]> {
  const pool = options.runFlags ?? ['--mount=type=cache,target=/root/.cache', '--network=none'];
  if (pool.length === 0) return fc.constant([]);
  return fc.oneof({ weight: 4, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fc.subarray([...pool], { minLength: 1, maxLength: Math.min(2, pool.length) }) });
}

/**
 * A shell-form RUN: mostly a chain of `&&` with some `||`, `;` and `|`; sometimes in the
 * `set -eux; a; b; c` style of many official images, where each `;` matters because of `set -e`.
 */
export function shellRunArb(options: GeneratorOptions = {}): fc.Arbitrary<ItemSpec> {
  const layout = {
    command: shellCommandArb,
    lineBreak: fc.boolean(),
    operatorFirst: fc.boolean(),
    lines: fc.oneof({ weight: 3, arbitrary: fc.constant<ContinuationLine[]>([]) }, { weight: 1, arbitrary: fc.array(continuationLine, { minLength: 1, maxLength: 2 }) }),
  };
  const part: fc.Arbitrary<ShellPart> = fc.record({
    op: fc.oneof({ weight: 5, arbitrary: fc.constant<ShellOperator>('&&') }, { weight: 2, arbitrary: fc.constantFrom<ShellOperator>('||', ';', ';', '|') }),
    ...layout,
  });
  const errexitPart: fc.Arbitrary<ShellPart> = fc.record({ op: fc.constant<ShellOperator>(';'), ...layout });
  const run = (first: fc.Arbitrary<string>, rest: fc.Arbitrary<ShellPart[]>): fc.Arbitrary<ItemSpec> =>
    fc.record({
      kind: fc.constant('run' as const),
      keyword: fc.oneof({ weight: 9, arbitrary: fc.constant('RUN') }, { weight: 1, arbitrary: fc.constant('run') }),
      flags: flagsArb(options),
      keywordBreak: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.array(continuationLine, { maxLength: 2 }) }),
      first,
      rest,
      trailing: fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('  ', '\t', ';', ' # trailing note') }),
    });
  return fc.oneof(
    { weight: 4, arbitrary: run(shellCommandArb, fc.array(part, { maxLength: 3 })) },
    { weight: 1, arbitrary: run(fc.constantFrom('set -e', 'set -eux'), fc.array(errexitPart, { minLength: 2, maxLength: 4 })) },
  );
}

function itemArb(options: GeneratorOptions, earlierStages: string[]): fc.Arbitrary<ItemSpec> {
  const line = (arb: fc.Arbitrary<string>) => arb.map((t): ItemSpec => ({ kind: 'line', text: t }));
  const lines: fc.Arbitrary<ItemSpec>[] = [
    line(fc.constantFrom('WORKDIR /w', 'WORKDIR /w/app', 'WORKDIR sub', 'WORKDIR /')),
    line(fc.tuple(variable, fc.constantFrom('value', '"a b"', 'x')).map(([v, x]) => `ENV ${v}=${x}`)),
    line(fc.constantFrom('ENV V1 legacy form', 'ARG A1', 'ARG A2=default', 'USER root', 'USER 0', 'LABEL purpose="test"', 'EXPOSE 8080')),
    line(
      fc.constantFrom(
        'COPY app.txt ./',
        'COPY app.txt /tmp/app.txt',
        'COPY app.txt into/',
        'COPY *.txt globbed/',
        'COPY --chown=1000:1000 app.txt owned.txt',
        'COPY --chmod=600 app.txt private.txt',
        'ADD app.txt copied.txt',
      ),
    ),
    line(fc.constantFrom('CMD ["sh", "-c", "ls"]', 'CMD ls -la', 'ENTRYPOINT ["/bin/sh", "-c"]', 'ENTRYPOINT echo hi')),
  ];
  if (options.shells !== false) {
    lines.push(line(fc.constantFrom('SHELL ["/bin/sh", "-c"]', 'SHELL ["/bin/sh", "-o", "pipefail", "-c"]', 'SHELL ["/bin/busybox", "sh", "-c"]')));
  }
  if (options.copyFromStages !== false && earlierStages.length > 0) {
    lines.push(line(fc.constantFrom(...earlierStages).map((s) => `COPY --from=${s} /tmp /from-${s}`)));
  }
  const runs: fc.Arbitrary<ItemSpec>[] = [shellRunArb(options)];
  if (options.execForm !== false) {
    runs.push(
      fc.record({
        kind: fc.constant('run-exec' as const),
        flags: flagsArb(options),
        argv: fc.constantFrom<string[]>(['touch', 'exec1'], ['/bin/sh', '-c', 'echo exec > exec2'], ['mkdir', '-p', 'exec3']),
      }),
    );
  }
  if (options.heredocs !== false) {
    runs.push(
      fc.record({
        kind: fc.constant('run-heredoc' as const),
        flags: flagsArb(options),
        body: fc.array(shellCommandArb, { minLength: 1, maxLength: 3 }),
      }),
    );
  }
  const comments: fc.Arbitrary<ItemSpec>[] = [commentLine.map((t): ItemSpec => ({ kind: 'comment', text: t }))];
  if (options.pragmas !== false) {
    comments.push(fc.constantFrom('# dockeropt ignore=merge-runs', '# dockeropt ignore').map((t): ItemSpec => ({ kind: 'comment', text: t })));
  }
  return fc.oneof(
    { weight: 12, arbitrary: fc.oneof({ weight: 6, arbitrary: runs[0]! }, ...runs.slice(1).map((arbitrary) => ({ weight: 1, arbitrary }))) },
    { weight: 4, arbitrary: fc.oneof(...lines) },
    { weight: 3, arbitrary: fc.oneof({ weight: 3, arbitrary: comments[0]! }, ...comments.slice(1).map((arbitrary) => ({ weight: 1, arbitrary }))) },
    { weight: 2, arbitrary: fc.constantFrom('', '', '  ').map((t): ItemSpec => ({ kind: 'blank', text: t })) },
  );
}

/** The structure of a valid Dockerfile; render it with {@link renderDockerfile}. */
export function dockerfileSpecArb(options: GeneratorOptions = {}): fc.Arbitrary<DockerfileSpec> {
  const maxStages = Math.max(1, options.maxStages ?? 3);
  const maxItems = options.maxItemsPerStage ?? 12;
  const bases = options.bases ?? ['alpine:3.19', 'busybox:1.36'];
  const stagesArb = fc.integer({ min: 1, max: maxStages }).chain((count) => {
    const names = Array.from({ length: count }, (_, i) => `s${i}`);
    return fc.tuple(
      ...names.map((_, index) => {
        const earlier = names.slice(0, index);
        return fc.record({
          base: earlier.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...bases) }, { weight: 1, arbitrary: fc.constantFrom(...earlier) }) : fc.constantFrom(...bases),
          name: fc.option(fc.constant(names[index]!), { nil: null, freq: 3 }).map((n) => (index < count - 1 ? names[index]! : n)),
          items: fc.array(itemArb(options, earlier), { maxLength: maxItems }),
        });
      }),
    );
  });
  return fc.record({
    bom: options.bom === false ? fc.constant(false) : fc.boolean(),
    eol: options.crlf === false ? fc.constant('\n' as const) : fc.constantFrom('\n' as const, '\r\n' as const),
    escape: options.escapeDirective === false ? fc.constant('\\' as const) : fc.constantFrom('\\' as const, '`' as const),
    preamble: fc.array(fc.constantFrom('ARG A0=1', '# before the first stage', ''), { maxLength: 2 }),
    stages: stagesArb,
    finalNewline: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  });
}

/** Valid Dockerfiles, with the spec they were rendered from. */
export function dockerfileArb(options: GeneratorOptions = {}): fc.Arbitrary<GeneratedDockerfile> {
  return dockerfileSpecArb(options).map((spec) => ({ spec, text: renderDockerfile(spec) }));
}

const INDENT = '    ';

function renderItem(item: ItemSpec, eol: string, escape: string): string {
  const breakLines = (lines: ContinuationLine[]) => lines.map((l) => l + eol).join('');
  const flags = (f: string[]) => f.map((flag) => ` ${flag}`).join('');
  switch (item.kind) {
    case 'run': {
      let out = `${item.keyword}${flags(item.flags)}`;
      out += item.keywordBreak ? ` ${escape}${eol}${breakLines(item.keywordBreak)}${INDENT}${item.first}` : ` ${item.first}`;
      for (const part of item.rest) {
        if (!part.lineBreak) out += ` ${part.op} ${part.command}`;
        else if (part.operatorFirst) out += ` ${escape}${eol}${breakLines(part.lines)}${INDENT}${part.op} ${part.command}`;
        else out += ` ${part.op} ${escape}${eol}${breakLines(part.lines)}${INDENT}${part.command}`;
      }
      return out + item.trailing;
    }
    case 'run-exec':
      return `RUN${flags(item.flags)} ${JSON.stringify(item.argv).replace(/","/g, '", "')}`;
    case 'run-heredoc':
      return `RUN${flags(item.flags)} <<EOF${eol}${item.body.map((l) => l + eol).join('')}EOF`;
    case 'line':
    case 'comment':
    case 'blank':
      return item.text;
  }
}

/** The text of a spec: the same spec always gives the same bytes. */
export function renderDockerfile(spec: DockerfileSpec): string {
  const lines: string[] = [];
  if (spec.escape === '`') lines.push('# escape=`');
  lines.push(...spec.preamble);
  for (const stage of spec.stages) {
    lines.push(`FROM ${stage.base}${stage.name ? ` AS ${stage.name}` : ''}`);
    for (const item of stage.items) lines.push(renderItem(item, spec.eol, spec.escape));
  }
  return (spec.bom ? '\uFEFF' : '') + lines.join(spec.eol) + (spec.finalNewline ? spec.eol : '');
}
