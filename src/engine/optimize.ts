import { openBuildContext, type BuildContext } from '../model/context.js';
import { isIgnored, parseDockerfile, type DockerfileModel } from '../model/dockerfile.js';
import { loadShellParser } from '../model/shell.js';
import { findProblems, InputError, newProblems } from './problems.js';
import type { Finding, Proposal, TextEdit, Transform } from './types.js';

export const MAX_PASSES = 10;

export interface EngineOptions {
  transforms: readonly Transform[];
  /** Per-transform options, by transform id. */
  transformOptions?: Record<string, Record<string, unknown>>;
  /** Apply `runtime-equivalent` fixes too. Without it they are reported as suggestions. */
  unsafe?: boolean;
  contextDir?: string;
  /** The Dockerfile's path, for a `<name>.dockerignore` beside it. */
  dockerfilePath?: string;
}

export interface OptimizeResult {
  output: string;
  findings: Finding[];
  /** Passes that changed the text. */
  passes: number;
}

interface Candidate {
  transform: Transform;
  proposal: Proposal;
  finding: Finding;
}

/**
 * Runs the transforms to a fix point: each pass parses the text, collects every transform's
 * proposals, applies the non-overlapping fixes (higher priority first), and checks the result
 * still parses with no new problems. Overlapping fixes wait for the next pass. Stops when a pass
 * changes nothing, on a cycle, or after {@link MAX_PASSES}.
 */
export async function runEngine(source: string, options: EngineOptions): Promise<OptimizeResult> {
  await loadShellParser();
  const firstDoc = parseDockerfile(source);
  const inputProblems = findProblems(firstDoc);
  if (inputProblems.length > 0) {
    const list = inputProblems.map((p) => `line ${p.line}: ${p.message}`).join('; ');
    throw new InputError(`not a valid Dockerfile: ${list}`, inputProblems);
  }
  const transforms = [...options.transforms].sort((a, b) => b.priority - a.priority);
  const buildContext = options.contextDir ? openBuildContext(options.contextDir, options.dockerfilePath) : null;
  const seen = new Set<string>([source]);
  const applied: Finding[] = [];
  /** The edits each pass applied, in the coordinates of that pass's input. */
  const history: TextEdit[][] = [];
  let text = source;
  let doc = firstDoc;
  let passes = 0;
  let lastFindings: Finding[] = [];
  /** Fixes dropped because they broke the file, kept across passes: a later pass may not propose them again. */
  const internalErrors: Finding[] = [];

  for (let pass = 1; pass <= MAX_PASSES + 1; pass++) {
    const candidates = collect(doc, transforms, options, buildContext, pass);
    const applicable = candidates.filter((c) => c.proposal.edits && c.proposal.edits.length > 0 && mayApply(c.transform, options));
    const { accepted } = chooseNonOverlapping(applicable);
    lastFindings = candidates.map((c) => c.finding);
    if (accepted.length === 0 || pass > MAX_PASSES) break;

    const { text: next, rejected } = applyChecked(text, doc, accepted);
    for (const candidate of rejected) {
      // The dropped fix is reported once, as the internal error, not also as a fix on offer.
      lastFindings.splice(lastFindings.indexOf(candidate.finding), 1);
      internalErrors.push({
        ...candidate.finding,
        message: `internal error in ${candidate.transform.id}: its fix broke the Dockerfile, so it was dropped`,
        fixable: false,
      });
    }
    const kept = accepted.filter((c) => !rejected.includes(c));
    if (kept.length === 0 || next === text || seen.has(next)) break;
    for (const candidate of kept) applied.push({ ...candidate.finding, applied: true });
    history.push(kept.flatMap((c) => c.proposal.edits!));
    seen.add(next);
    text = next;
    doc = parseDockerfile(text);
    passes++;
  }

  const located = (list: Finding[]) => list.map((finding) => locateInInput(finding, history, firstDoc));
  // A dropped fix proposed again in a later pass is dropped again: report it once.
  const errors = located(internalErrors).filter(
    (error, index, all) => all.findIndex((other) => other.transform === error.transform && other.offsets.start === error.offsets.start) === index,
  );
  const findings = [...located(applied), ...located(lastFindings), ...errors];
  return { output: text, findings, passes };
}

/** Moves a finding's offsets and range back through the earlier passes' edits, onto the input text. */
function locateInInput(finding: Finding, history: TextEdit[][], input: DockerfileModel): Finding {
  let { start, end } = finding.offsets;
  for (let pass = finding.pass - 2; pass >= 0; pass--) {
    start = offsetBefore(start, history[pass]!);
    end = Math.max(start, offsetBefore(end, history[pass]!));
  }
  const from = input.positionAt(start);
  const to = input.positionAt(end);
  return {
    ...finding,
    offsets: { start, end },
    range: { startLine: from.line + 1, startColumn: from.character + 1, endLine: to.line + 1, endColumn: to.character + 1 },
  };
}

/** The offset in a pass's input that `offset` in its output came from (text a fix inserted maps to the fix's start). */
function offsetBefore(offset: number, edits: TextEdit[]): number {
  let shift = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    const insertedStart = edit.start + shift;
    if (offset < insertedStart) break;
    if (offset < insertedStart + edit.text.length) return edit.start;
    shift += edit.text.length - (edit.end - edit.start);
  }
  return offset - shift;
}

function mayApply(transform: Transform, options: EngineOptions): boolean {
  return transform.contract !== 'runtime-equivalent' || options.unsafe === true;
}

function collect(doc: DockerfileModel, transforms: Transform[], options: EngineOptions, buildContext: BuildContext | null, pass: number): Candidate[] {
  const candidates: Candidate[] = [];
  for (const transform of transforms) {
    const context = { options: options.transformOptions?.[transform.id] ?? {}, buildContext };
    for (const proposal of transform.run(doc, context)) {
      if (coversIgnoredInstruction(doc, transform.id, proposal)) continue;
      assertEditsValid(transform, proposal, doc.source.length);
      candidates.push({
        transform,
        proposal,
        finding: {
          transform: transform.id,
          contract: transform.contract,
          message: proposal.message,
          reason: proposal.reason,
          range: { startLine: 0, startColumn: 0, endLine: 0, endColumn: 0 },
          offsets: { start: proposal.start, end: proposal.end },
          fixable: (proposal.edits?.length ?? 0) > 0,
          applied: false,
          pass,
        },
      });
    }
  }
  return candidates;
}

function coversIgnoredInstruction(doc: DockerfileModel, transformId: string, proposal: Proposal): boolean {
  return doc.instructions.some(
    (instruction) => instruction.start < Math.max(proposal.end, proposal.start + 1) && instruction.end > proposal.start && isIgnored(doc, instruction, transformId),
  );
}

function assertEditsValid(transform: Transform, proposal: Proposal, length: number): void {
  const edits = [...(proposal.edits ?? [])].sort((a, b) => a.start - b.start);
  for (let i = 0; i < edits.length; i++) {
    const edit = edits[i]!;
    if (edit.start < 0 || edit.end < edit.start || edit.end > length) {
      throw new Error(`transform ${transform.id} produced an edit outside the text (${edit.start}-${edit.end})`);
    }
    if (i > 0 && edits[i - 1]!.end > edit.start) {
      throw new Error(`transform ${transform.id} produced overlapping edits in one fix`);
    }
  }
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  // Two insertions at the same point conflict too: their order would be arbitrary.
  return a.start < b.end && b.start < a.end || a.start === b.start;
}

/** Candidates arrive sorted by transform priority; the first to claim a range wins it. */
function chooseNonOverlapping(candidates: Candidate[]): { accepted: Candidate[] } {
  const taken: TextEdit[] = [];
  const accepted: Candidate[] = [];
  for (const candidate of candidates) {
    const edits = candidate.proposal.edits!;
    const spans = [{ start: candidate.proposal.start, end: candidate.proposal.end, text: '' }, ...edits];
    if (spans.some((edit) => taken.some((other) => overlaps(edit, other)))) continue;
    taken.push(...spans);
    accepted.push(candidate);
  }
  return { accepted };
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let result = text;
  for (const edit of sorted) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

/**
 * Applies the accepted fixes. If the result has a problem the input did not, finds the fixes
 * responsible by applying them one at a time, and drops those.
 */
function applyChecked(text: string, doc: DockerfileModel, accepted: Candidate[]): { text: string; rejected: Candidate[] } {
  const before = findProblems(doc);
  const breaks = (edits: TextEdit[]) => newProblems(before, findProblems(parseDockerfile(applyEdits(text, edits)))).length > 0;
  const all = accepted.flatMap((c) => c.proposal.edits!);
  if (!breaks(all)) return { text: applyEdits(text, all), rejected: [] };
  const rejected = accepted.filter((c) => breaks(c.proposal.edits!));
  const kept = accepted.filter((c) => !rejected.includes(c)).flatMap((c) => c.proposal.edits!);
  if (breaks(kept)) return { text, rejected: accepted };
  return { text: applyEdits(text, kept), rejected };
}
