// A deliberately small Dockerfile splitter for the cache probe: which instruction starts on
// which line and belongs to which stage. It is independent of src/model on purpose (the harness
// is the oracle for the code under test). Handles the escape directive, line continuations and
// comment lines inside continuations; heredocs are not supported (neither engine here has them).

export interface DfInstruction {
  /** Position among all instructions of the file (0-based). */
  index: number;
  /** Stage index (0-based), or -1 for ARGs before the first FROM. */
  stage: number;
  /** Position inside the stage (0 = its FROM). */
  indexInStage: number;
  /** First and last line (1-based). */
  line: number;
  endLine: number;
  keyword: string;
  /** The instruction with continuations joined. */
  text: string;
}

export interface DfStage {
  index: number;
  /** The `AS name` (lowercased, as BuildKit shows it), or null. */
  name: string | null;
  instructions: DfInstruction[];
}

export interface DfSteps {
  preamble: DfInstruction[];
  stages: DfStage[];
  all: DfInstruction[];
}

/** Instructions that BuildKit turns into a build step of their own (others only change config). */
export const FS_KEYWORDS = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'WORKDIR']);

export function parseDockerfileSteps(text: string): DfSteps {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  let i = 0;
  // Parser directives: only at the very top, before any comment, blank line or instruction.
  for (; i < lines.length; i++) {
    const m = /^\s*#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(lines[i] ?? '');
    if (!m) break;
    if ((m[1] ?? '').toLowerCase() === 'escape') escape = m[2] ?? '\\';
  }
  const all: DfInstruction[] = [];
  const preamble: DfInstruction[] = [];
  const stages: DfStage[] = [];
  let cur: string[] = [];
  let start = 0;
  const endsWithEscape = (l: string): boolean => l.replace(/\s+$/, '').endsWith(escape);
  const flush = (end: number): void => {
    const joined = cur.join(' ').replace(/\s+/g, ' ').trim();
    cur = [];
    if (joined === '') return;
    const keyword = (joined.split(' ')[0] ?? '').toUpperCase();
    let stage = stages.length - 1;
    if (keyword === 'FROM') {
      const m = /\s+as\s+(\S+)\s*$/i.exec(joined);
      stages.push({ index: stages.length, name: m?.[1]?.toLowerCase() ?? null, instructions: [] });
      stage = stages.length - 1;
    }
    const owner = stage >= 0 ? stages[stage] : undefined;
    const ins: DfInstruction = {
      index: all.length,
      stage,
      indexInStage: owner ? owner.instructions.length : preamble.length,
      line: start + 1,
      endLine: end + 1,
      keyword,
      text: joined,
    };
    all.push(ins);
    if (owner) owner.instructions.push(ins);
    else preamble.push(ins);
  };
  let inContinuation = false;
  for (; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && !inContinuation)) continue;
    if (trimmed === '') continue;
    if (!inContinuation) start = i;
    if (endsWithEscape(raw)) {
      const t = raw.replace(/\s+$/, '');
      cur.push(t.slice(0, t.length - escape.length));
      inContinuation = true;
    } else {
      cur.push(raw);
      inContinuation = false;
      flush(i);
    }
  }
  if (inContinuation) flush(lines.length - 1);
  return { preamble, stages, all };
}
