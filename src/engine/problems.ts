import { isKnownKeyword, type DockerfileModel } from '../model/dockerfile.js';

/** Something in a Dockerfile that Docker would reject, so nothing may be rewritten. */
export interface Problem {
  /** 1-based. */
  line: number;
  message: string;
}

/** Input that dockeropt refuses to rewrite. The message names every problem with its line. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * The problems the builder would report for this text. The engine checks this before the first
 * pass (bad input is refused) and after every pass (a pass may not add one).
 */
export function findProblems(doc: DockerfileModel): Problem[] {
  const problems: Problem[] = [];
  const escapeDirective = doc.directives.find((d) => d.name === 'escape');
  if (escapeDirective && escapeDirective.value !== '\\' && escapeDirective.value !== '`') {
    problems.push({ line: 1, message: `invalid escape directive "${escapeDirective.value}": it must be \\ or \`` });
  }
  let seenFrom = false;
  for (const instruction of doc.instructions) {
    const line = instruction.startLine + 1;
    if (!isKnownKeyword(instruction.keyword)) {
      problems.push({ line, message: `unknown instruction "${instruction.node.getInstruction()}"` });
      continue;
    }
    if (instruction.keyword === 'FROM') seenFrom = true;
    else if (!seenFrom && instruction.keyword !== 'ARG') {
      problems.push({ line, message: `${instruction.keyword} before the first FROM` });
    }
    const heredocs = (instruction.node as unknown as { getHeredocs?: () => { getDelimiterRange(): unknown }[] })
      .getHeredocs?.call(instruction.node) ?? [];
    if (heredocs.some((heredoc) => heredoc.getDelimiterRange() === null)) {
      problems.push({ line, message: `unterminated heredoc in ${instruction.keyword}` });
    }
    if (instruction.end >= doc.source.trimEnd().length && !instruction.hasHeredoc) {
      const lastLine = doc.source.slice(instruction.start, instruction.end).trimEnd();
      if (lastLine.endsWith(doc.escapeChar)) {
        problems.push({ line, message: `line continuation (${doc.escapeChar}) at the end of the file` });
      }
    }
  }
  return problems;
}

/** Problems in `after` that `before` did not have (compared by message, not line). */
export function newProblems(before: Problem[], after: Problem[]): Problem[] {
  const counts = new Map<string, number>();
  for (const problem of before) counts.set(problem.message, (counts.get(problem.message) ?? 0) + 1);
  return after.filter((problem) => {
    const left = counts.get(problem.message) ?? 0;
    if (left > 0) {
      counts.set(problem.message, left - 1);
      return false;
    }
    return true;
  });
}
