import { DockerfileParser, type Instruction, type Flag } from 'dockerfile-ast';

/** A flag such as `--mount=type=cache,target=/x`, with its offsets. */
export interface FlagView {
  name: string;
  value: string | null;
  text: string;
  start: number;
  end: number;
}

/** One instruction, with exact offsets into the source. */
export interface InstructionView {
  /** Upper-case keyword (`RUN`, `COPY`, …). */
  keyword: string;
  start: number;
  end: number;
  /** 0-based lines of the first and last character. */
  startLine: number;
  endLine: number;
  flags: FlagView[];
  /** Offset where the arguments start, after the keyword and the flags. */
  argsStart: number;
  /** Raw text of the arguments: continuations and embedded comment lines included. */
  argsText: string;
  /** The arguments as Docker sees them: continuations joined, embedded comment lines removed. */
  args: string;
  /** Exec (JSON array) form, for RUN, CMD, ENTRYPOINT, SHELL. */
  execForm: string[] | null;
  hasHeredoc: boolean;
  stage: number;
  node: Instruction;
}

export interface StageView {
  index: number;
  name: string | null;
  /** The base image reference as written. */
  base: string;
  instructions: InstructionView[];
}

export interface CommentView {
  start: number;
  end: number;
  line: number;
  /** The text after `#`, trimmed. */
  text: string;
}

export interface DockerfileModel {
  source: string;
  escapeChar: string;
  /** `\r\n` when the file uses CRLF line endings, else `\n`. */
  eol: string;
  directives: { name: string; value: string }[];
  instructions: InstructionView[];
  stages: StageView[];
  comments: CommentView[];
  /** Offset of the first character of each line. */
  lineStarts: number[];
  positionAt(offset: number): { line: number; character: number };
}

const KNOWN_KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

export function isKnownKeyword(keyword: string): boolean {
  return KNOWN_KEYWORDS.has(keyword.toUpperCase());
}

/** Line starts under the same rules as the parser: `\r\n`, `\r` and `\n` each end a line. */
function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (ch === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/**
 * Removes what Docker removes before running a shell-form argument: an escape character that
 * ends a line (with the line break), and comment lines inside the continuation.
 */
export function joinContinuations(raw: string, escapeChar: string): string {
  return joinContinuationsWithOffsets(raw, escapeChar).text;
}

/**
 * {@link joinContinuations}, also giving for each character of the joined text its offset in
 * `raw` (plus one entry for the end of the text).
 */
export function joinContinuationsWithOffsets(raw: string, escapeChar: string): { text: string; offsets: number[] } {
  const lineBreak = /\r\n|\r|\n/g;
  const lines: { text: string; start: number }[] = [];
  let lineStart = 0;
  for (let match = lineBreak.exec(raw); match; match = lineBreak.exec(raw)) {
    lines.push({ text: raw.slice(lineStart, match.index), start: lineStart });
    lineStart = match.index + match[0].length;
  }
  lines.push({ text: raw.slice(lineStart), start: lineStart });
  let text = '';
  const offsets: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.text;
    if (i > 0 && /^\s*#/.test(line)) continue;
    if (i > 0 && line.trim() === '') continue;
    const trimmed = line.replace(/[ \t]+$/, '');
    if (i < lines.length - 1 && trimmed.endsWith(escapeChar)) {
      line = trimmed.slice(0, -escapeChar.length);
    }
    text += line;
    for (let c = 0; c < line.length; c++) offsets.push(lines[i]!.start + c);
  }
  offsets.push(raw.length);
  return { text, offsets };
}

function parseExecForm(args: string): string[] | null {
  const trimmed = args.trim();
  if (!trimmed.startsWith('[')) return null;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed as string[];
  } catch {
    // Not JSON: Docker runs it as a shell-form command.
  }
  return null;
}

/** Parses once and exposes offsets for everything the transforms read. Never throws. */
export function parseDockerfile(source: string): DockerfileModel {
  const ast = DockerfileParser.parse(source);
  const lineStarts = computeLineStarts(source);
  const offsetAt = (pos: { line: number; character: number }): number =>
    Math.min(source.length, (lineStarts[pos.line] ?? source.length) + pos.character);
  const positionAt = (offset: number) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - lineStarts[low]! };
  };
  const escapeChar = ast.getEscapeCharacter();

  const instructions: InstructionView[] = [];
  const stages: StageView[] = [];
  let stage = -1;
  for (const node of ast.getInstructions()) {
    const keyword = node.getKeyword().toUpperCase();
    const range = node.getRange();
    const start = offsetAt(range.start);
    const end = offsetAt(range.end);
    const rawFlags: Flag[] = 'getFlags' in node && typeof node.getFlags === 'function' ? (node.getFlags() as Flag[]) : [];
    const flags = rawFlags.map((flag) => {
      const flagStart = offsetAt(flag.getRange().start);
      const flagEnd = offsetAt(flag.getRange().end);
      return { name: flag.getName(), value: flag.getValue(), text: source.slice(flagStart, flagEnd), start: flagStart, end: flagEnd };
    });
    let argsStart = flags.length > 0 ? flags[flags.length - 1]!.end : offsetAt(node.getInstructionRange().end);
    const afterKeyword = source.slice(argsStart, end);
    // After a line continuation Docker skips comment lines and blank lines, so the arguments start after them.
    const eol = '(?:\\r\\n|\\r|\\n)';
    const continuation = `${escapeRegExp(escapeChar)}[ \\t]*${eol}(?:[ \\t]*(?:#[^\\r\\n]*)?${eol})*`;
    const leading = afterKeyword.match(new RegExp(`^(?:[ \\t]|${continuation})*`))![0];
    argsStart += leading.length;
    const argsText = source.slice(argsStart, end);
    if (keyword === 'FROM') {
      stage++;
      const args = node.getArguments().map((a) => a.getValue());
      const asIndex = args.findIndex((a) => a.toUpperCase() === 'AS');
      stages.push({ index: stage, name: asIndex >= 0 ? (args[asIndex + 1] ?? null) : null, base: args[0] ?? '', instructions: [] });
    }
    const heredocs = (node as unknown as { getHeredocs?: () => unknown[] }).getHeredocs?.call(node) ?? [];
    const hasHeredoc = heredocs.length > 0;
    const args = hasHeredoc ? argsText : joinContinuations(argsText, escapeChar);
    const view: InstructionView = {
      keyword,
      start,
      end,
      startLine: range.start.line,
      endLine: positionAt(end).line,
      flags,
      argsStart,
      argsText,
      args,
      execForm: ['RUN', 'CMD', 'ENTRYPOINT', 'SHELL'].includes(keyword) && !hasHeredoc ? parseExecForm(args) : null,
      hasHeredoc,
      stage: Math.max(stage, 0),
      node,
    };
    instructions.push(view);
    if (stage >= 0) stages[stage]!.instructions.push(view);
  }

  const comments = ast.getComments().map((comment) => {
    const range = comment.getRange();
    const start = offsetAt(range.start);
    const end = offsetAt(range.end);
    return { start, end, line: range.start.line, text: source.slice(start, end).replace(/^#/, '').trim() };
  });

  return {
    source,
    escapeChar,
    eol: source.includes('\r\n') ? '\r\n' : '\n',
    directives: ast.getDirectives().map((d) => ({ name: d.getName().toLowerCase(), value: d.getValue() })),
    instructions,
    stages,
    comments,
    lineStarts,
    positionAt,
  };
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const PRAGMA = /^dockeropt\s+ignore(?:=([\w,-]+))?\s*$/;

/**
 * Transform ids that a `# dockeropt ignore=ID[,ID]` comment directly above the instruction turns
 * off for it (`*` for a bare `# dockeropt ignore`). Comment lines between the pragma and the
 * instruction are allowed; a blank line or another instruction ends it.
 */
export function ignoredTransforms(doc: DockerfileModel, instruction: InstructionView): Set<string> {
  const ignored = new Set<string>();
  const commentsByLine = new Map(doc.comments.map((c) => [c.line, c]));
  for (let line = instruction.startLine - 1; line >= 0; line--) {
    const comment = commentsByLine.get(line);
    if (!comment) break;
    const match = PRAGMA.exec(comment.text);
    if (!match) continue;
    for (const id of (match[1] ?? '*').split(',')) if (id) ignored.add(id);
  }
  return ignored;
}

export function isIgnored(doc: DockerfileModel, instruction: InstructionView, transformId: string): boolean {
  const ignored = ignoredTransforms(doc, instruction);
  return ignored.has('*') || ignored.has(transformId);
}
