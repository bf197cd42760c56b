import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { InputError } from '../engine/problems.js';
import type { Finding } from '../engine/types.js';
import { optimize } from '../index.js';
import { transforms } from '../transforms/index.js';
import { loadConfig, type DockeroptConfig } from './config.js';
import { UsageError } from './errors.js';
import { findDockerfiles, readDockerfile, writeFileAtomic } from './files.js';
import type { CliIO } from './main.js';

export interface FixOptions {
  paths: string[];
  dryRun: boolean;
  check: boolean;
  only?: string[];
  enable?: string[];
  skip?: string[];
  unsafe: boolean;
  format: 'text' | 'json';
  context?: string;
  configFile?: string;
  useConfig: boolean;
}

/** One finding as the JSON output shows it. */
export interface ReportedFinding extends Finding {
  file: string;
}

const PROGRESS_THRESHOLD = 20;

export async function runFix(options: FixOptions, io: CliIO): Promise<number> {
  const config = options.useConfig ? (await loadConfig(io.cwd, options.configFile, transforms)).config : {};
  if (options.context !== undefined) {
    const stat = await fs.stat(options.context).catch(() => null);
    if (!stat?.isDirectory()) throw new UsageError(`--context ${options.context}: not a directory`);
  }
  for (const id of [...(options.only ?? []), ...(options.enable ?? []), ...(options.skip ?? [])]) {
    if (!transforms.some((t) => t.id === id)) {
      throw new UsageError(`unknown transform "${id}"; known: ${transforms.map((t) => t.id).join(', ')}`);
    }
  }
  const files = await findDockerfiles(options.paths);
  if (files.length === 0) throw new UsageError(`no Dockerfiles found in ${options.paths.join(', ')}`);

  const writes = !options.dryRun && !options.check;
  const findings: ReportedFinding[] = [];
  const patches: string[] = [];
  let changedFiles = 0;
  let failedFiles = 0;
  const showProgress = io.stderrIsTTY && files.length > PROGRESS_THRESHOLD;

  for (const [index, file] of files.entries()) {
    if (showProgress) io.stderr(`\rdockeropt: ${index + 1}/${files.length} ${shorten(file)}\u001b[K`);
    const shown = path.relative(io.cwd, path.resolve(io.cwd, file)) || file;
    try {
      const { text, mode } = await readDockerfile(file);
      const result = await optimize(text, {
        ...engineSelection(config, options),
        contextDir: options.context ?? path.dirname(file),
        dockerfilePath: file,
      });
      findings.push(...result.findings.map((finding) => ({ file: shown, ...finding })));
      if (result.output === text) continue;
      changedFiles++;
      if (options.dryRun && options.format === 'text') patches.push(createTwoFilesPatch(shown, shown, text, result.output, '', '', { context: 3 }));
      if (writes) await writeFileAtomic(file, result.output, mode);
    } catch (error) {
      if (!(error instanceof UsageError) && !(error instanceof InputError)) throw error;
      failedFiles++;
      if (showProgress) io.stderr('\r\u001b[K');
      const message = error instanceof InputError ? `${shown}: ${error.message}` : error.message;
      io.stderr(`dockeropt: ${message}\n`);
    }
  }
  if (showProgress) io.stderr('\r\u001b[K');

  // JSON is the whole of stdout; in text mode a dry run's stdout is the patch alone.
  const summary = () => textReport(findings, { files: files.length, changed: changedFiles, failed: failedFiles, writes });
  if (options.format === 'json') io.stdout(`${JSON.stringify(findings, null, 2)}\n`);
  else if (options.dryRun) {
    io.stdout(patches.map(stripIndexHeader).join(''));
    io.stderr(summary());
  } else io.stdout(summary());

  if (failedFiles > 0) return 2;
  if (options.check && changedFiles > 0) return 1;
  return 0;
}

function engineSelection(config: DockeroptConfig, options: FixOptions) {
  const off = Object.entries(config.transforms ?? {}).filter(([, value]) => value === 'off').map(([id]) => id);
  const transformOptions = Object.fromEntries(
    Object.entries(config.transforms ?? {}).filter((entry): entry is [string, Record<string, unknown>] => entry[1] !== 'off'),
  );
  return {
    only: options.only ?? config.only,
    enable: [...(config.enable ?? []), ...(options.enable ?? [])],
    skip: [...(options.skip ?? config.skip ?? []), ...off],
    unsafe: options.unsafe || config.unsafe === true,
    transformOptions,
  };
}

/** The `diff` package starts each patch with an `Index:`/`====` header that patch tools do not need. */
function stripIndexHeader(patch: string): string {
  return patch.replace(/^(Index: .*\n)?=+\n/, '');
}

function shorten(file: string): string {
  return file.length > 60 ? `…${file.slice(-59)}` : file;
}

function textReport(findings: ReportedFinding[], counts: { files: number; changed: number; failed: number; writes: boolean }): string {
  const lines: string[] = [];
  const byFile = new Map<string, ReportedFinding[]>();
  for (const finding of findings) byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  for (const [file, list] of byFile) {
    lines.push(file);
    for (const finding of list) {
      const status = finding.applied ? (counts.writes ? 'fixed' : 'would fix') : finding.fixable ? 'suggested' : 'skipped';
      const where = `${finding.range.startLine}:${finding.range.startColumn}`;
      lines.push(`  ${where.padEnd(6)} ${status.padEnd(9)} ${finding.transform.padEnd(22)} ${finding.message}`);
      lines.push(`  ${''.padEnd(6)} ${''.padEnd(9)} ${''.padEnd(22)} ${finding.applied ? '' : 'why: '}${finding.reason}`);
    }
  }
  const applied = findings.filter((f) => f.applied).length;
  const open = findings.length - applied;
  const verb = counts.writes ? 'changed' : 'would change';
  lines.push(
    `${counts.files} file${counts.files === 1 ? '' : 's'} checked, ${counts.changed} ${verb}, ` +
      `${applied} fix${applied === 1 ? '' : 'es'} ${counts.writes ? 'applied' : 'to apply'}, ${open} not applied` +
      (counts.failed > 0 ? `, ${counts.failed} could not be read` : ''),
  );
  return `${lines.join('\n')}\n`;
}
