/**
 * Where an instruction's text sits: whole lines to delete or move, the comment lines attached
 * above it, where its shell script ends, and the source offset of a position in the joined script.
 */
import { joinContinuationsWithOffsets, type DockerfileModel, type InstructionView } from './dockerfile.js';

/** The offsets of the whole lines an instruction occupies, line break included. */
export function instructionLines(doc: DockerfileModel, instruction: InstructionView): { start: number; end: number } {
  const start = doc.lineStarts[instruction.startLine] ?? instruction.start;
  const end = doc.lineStarts[instruction.endLine + 1] ?? doc.source.length;
  return { start, end };
}

/**
 * The whole lines of an instruction together with the comment lines directly above it (no blank
 * line between), which describe it and move with it. Parser directives are never included.
 */
export function attachedLines(doc: DockerfileModel, instruction: InstructionView): { start: number; end: number; firstLine: number } {
  const commentLines = new Set(doc.comments.map((c) => c.line));
  const directiveLines = doc.directives.length;
  let firstLine = instruction.startLine;
  while (firstLine - 1 >= directiveLines && commentLines.has(firstLine - 1) && isWholeLineComment(doc, firstLine - 1)) firstLine--;
  const { end } = instructionLines(doc, instruction);
  return { start: doc.lineStarts[firstLine] ?? instruction.start, end, firstLine };
}

function isWholeLineComment(doc: DockerfileModel, line: number): boolean {
  const start = doc.lineStarts[line] ?? 0;
  const end = doc.lineStarts[line + 1] ?? doc.source.length;
  return /^[ \t]*#/.test(doc.source.slice(start, end));
}

/** The text of whole lines, ending with the file's line break even when the file's last line has none. */
export function linesText(doc: DockerfileModel, range: { start: number; end: number }): string {
  const text = doc.source.slice(range.start, range.end);
  return /(\r\n|\r|\n)$/.test(text) ? text : text + doc.eol;
}

/** Offset just after the last character of a RUN's script (trailing blanks and line breaks left out). */
export function scriptEnd(instruction: InstructionView): number {
  return instruction.argsStart + instruction.argsText.trimEnd().length;
}

/** Whether the instruction's last line is a comment line inside its continuation (text appended there would be dropped). */
export function endsWithCommentLine(instruction: InstructionView): boolean {
  const trimmed = instruction.argsText.trimEnd();
  const lastLine = trimmed.split(/\r\n|\r|\n/).pop() ?? '';
  return lastLine !== trimmed && /^\s*#/.test(lastLine);
}

/** Maps offsets in the joined script (`instruction.args`) back to the source text. */
export function scriptOffsetMapper(doc: DockerfileModel, instruction: InstructionView): (joined: number) => number {
  const { offsets } = joinContinuationsWithOffsets(instruction.argsText, doc.escapeChar);
  return (joined) => instruction.argsStart + (offsets[joined] ?? instruction.argsText.length);
}

/**
 * The indentation for a line appended to a multi-line RUN: that of a continuation line starting
 * with `&&` when there is one, else that of the last line, else four spaces.
 */
export function continuationIndent(instruction: InstructionView): string {
  const lines = instruction.argsText.trimEnd().split(/\r\n|\r|\n/).slice(1);
  const chained = lines.find((line) => /^[ \t]*&&/.test(line));
  const indent = /^[ \t]*/.exec(chained ?? lines.at(-1) ?? '')![0];
  return indent === '' ? '    ' : indent;
}

/** Whether the RUN's text spans more than one line. */
export function isMultiLine(instruction: InstructionView): boolean {
  return /\r\n|\r|\n/.test(instruction.argsText.trimEnd());
}
