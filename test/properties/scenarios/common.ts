/**
 * What every split-dependency-copy scenario shares: where the copied folder lands and where the
 * install runs (the layout), the COPY flags, the instructions between the COPY and the install,
 * and how one ecosystem's project (its files, .dockerignore lines and install command) becomes a
 * Dockerfile plus a build context.
 */
import path from 'node:path';
import fc from 'fast-check';
import type { Scenario } from '../../e2e/engine/index.js';

export type Files = Record<string, string>;

/** A scenario, tagged with the ecosystem it exercises (for per-ecosystem counts). */
export interface SplitScenario extends Scenario {
  ecosystem: string;
}

/** What an ecosystem's generator decides; `scenarioArb` puts a layout around it. */
export interface Project {
  /** The files of the folder the install runs in. */
  files: Files;
  /** .dockerignore lines relative to that folder (`!` negations kept). */
  ignore: readonly string[];
  /** Files the COPY also sends from the folder above, when the install runs in a subfolder of it. */
  parent?: Files | null;
  /** Instructions before the COPY (e.g. `RUN mix local.hex --force`). */
  before?: readonly string[];
  /** Instructions between the COPY and the install. */
  middle: readonly string[];
  install: string;
  /** A command after the install in the same RUN, which reads the sources. */
  then: string | null;
}

export interface EcosystemScenarios {
  ecosystem: string;
  base: string;
  /** The CMD, in exec form. */
  cmd: readonly string[];
  project: fc.Arbitrary<Project>;
}

interface Layout {
  lines: readonly string[];
  /** The context folder the COPY copies ('' for the whole context). */
  sourceDir: string;
  /** Where the install runs, below the COPY destination ('' for the destination itself). */
  installSub: string;
}

/** Where the folder lands and where the install runs. */
const layout = fc.constantFrom<Layout>(
  { lines: ['WORKDIR /app', 'COPY {flags}. .'], sourceDir: '', installSub: '' },
  { lines: ['WORKDIR /app', 'COPY {flags}./ ./'], sourceDir: '', installSub: '' },
  { lines: ['COPY {flags}. /app', 'WORKDIR /app'], sourceDir: '', installSub: '' },
  { lines: ['WORKDIR /srv/app', 'COPY {flags}. /srv/app/'], sourceDir: '', installSub: '' },
  { lines: ['COPY {flags}web/ /web', 'WORKDIR /web'], sourceDir: 'web', installSub: '' },
  { lines: ['WORKDIR /app', 'COPY {flags}. /app/sub', 'WORKDIR /app/sub'], sourceDir: '', installSub: '' },
  { lines: ['COPY {flags}. /repo/', 'WORKDIR /repo/svc'], sourceDir: '', installSub: 'svc' },
  // A relative destination and a WORKDIR between the COPY and the install: the COPY cannot move.
  { lines: ['WORKDIR /repo', 'COPY {flags}. .', 'WORKDIR /repo/svc'], sourceDir: '', installSub: 'svc' },
  // The install runs in the base image's WORKDIR, which the transform cannot see.
  { lines: ['COPY {flags}. /app'], sourceDir: '', installSub: '' },
);

const copyFlags = fc.constantFrom('', '--chown=1000:1000 ', '--chmod=755 ');

/** One of the values, each drawn as often as its weight says. */
export function weighted<T>(...choices: [T, number][]): fc.Arbitrary<T> {
  return fc.oneof(...choices.map(([value, weight]) => ({ arbitrary: fc.constant(value), weight })));
}

/** true about once in `n` draws: for a choice that always makes the transform skip. */
export const oneIn = (n: number): fc.Arbitrary<boolean> => weighted([false, n - 1], [true, 1]);

/**
 * .dockerignore lines: any of `common`, and about one time in four one of `rare` (lines that
 * leave out a file the install needs, so the transform skips).
 */
export function ignoreArb(common: readonly string[], rare: readonly string[] = []): fc.Arbitrary<readonly string[]> {
  const extra = weighted<string | null>([null, 3 * rare.length || 1], ...rare.map((line): [string, number] => [line, 1]));
  return fc.tuple(fc.subarray([...common]), extra).map(([lines, line]) => (line ? [...lines, line] : lines));
}

/**
 * Instructions between the COPY and the install: none, neutral ones, a RUN (the transform
 * skips), and the ecosystem's own ENVs (settings it may or may not have to refuse).
 */
export function middleArb(...own: (readonly string[])[]): fc.Arbitrary<readonly string[]> {
  return weighted<readonly string[]>([[], 4], [['ARG VERSION=1', 'LABEL version=$VERSION'], 2], [['RUN echo before > before.txt'], 1], ...own.map((lines): [readonly string[], number] => [lines, 1]));
}

/**
 * What the folder above holds when the install runs in a subfolder of the copied folder:
 * nothing, a README, or a file the tool also looks for in parent folders (a workspace root, …).
 */
export const parentArb = fc.constantFrom(null, 'readme', 'tool-file');

export function parentFiles(choice: 'readme' | 'tool-file' | null, toolFile: Files): Files | null {
  return choice === 'readme' ? { 'README.md': '# repo\n' } : choice === 'tool-file' ? toolFile : null;
}

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** How the commands of a RUN are joined: on one line, or each on its own continued line. */
const joiner = fc.constantFrom(' && ', ' && \\\n    ');

function under(folder: string, files: Files): Files {
  return Object.fromEntries(Object.entries(files).map(([file, content]) => [folder ? `${folder}/${file}` : file, content]));
}

function ignoreLine(folder: string, line: string): string {
  const negated = line.startsWith('!');
  const pattern = negated ? line.slice(1) : line;
  return `${negated ? '!' : ''}${folder ? `${folder}/${pattern}` : pattern}`;
}

/** Every scenario of one ecosystem: its projects in every layout. */
export function scenarioArb(eco: EcosystemScenarios): fc.Arbitrary<SplitScenario> {
  return fc.record({ layout, flags: copyFlags, join: joiner, project: eco.project }).map(({ layout: l, flags, join, project: p }) => {
    const installDir = path.posix.join(l.sourceDir, l.installSub).replace(/^\.$/, '');
    const files = { ...(l.installSub && p.parent ? under(l.sourceDir, p.parent) : {}), ...under(installDir, p.files) };
    const ignore = p.ignore.flatMap((line) => line.split('\n')).map((line) => ignoreLine(installDir, line));
    if (ignore.length > 0) files['.dockerignore'] = `${ignore.join('\n')}\n`;
    const dockerfile = [
      `FROM ${eco.base}`,
      ...(p.before ?? []),
      ...l.lines.map((line) => line.replace('{flags}', flags)),
      ...p.middle,
      `RUN ${p.then ? `${p.install}${join}${p.then}` : p.install}`,
      `CMD ${JSON.stringify(eco.cmd)}`,
      '',
    ].join('\n');
    return { ecosystem: eco.ecosystem, dockerfile, files };
  });
}
