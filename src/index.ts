/**
 * dockeropt's programmatic API.
 *
 * @example
 * ```ts
 * import { optimize } from 'dockeropt';
 * const { output, findings } = await optimize(readFileSync('Dockerfile', 'utf8'), { only: ['merge-runs'] });
 * ```
 */
import { runEngine, type OptimizeResult } from './engine/optimize.js';
import { InputError } from './engine/problems.js';
import type { Transform } from './engine/types.js';
import { transforms } from './transforms/index.js';

export type { Contract, Finding, Proposal, TextEdit, Transform, TransformContext } from './engine/types.js';
export type { OptimizeResult } from './engine/optimize.js';
export type { Problem } from './engine/problems.js';
export type { DockerfileModel, InstructionView, StageView, FlagView, CommentView } from './model/dockerfile.js';
export { InputError } from './engine/problems.js';
export { parseDockerfile } from './model/dockerfile.js';
export { transforms, findTransform } from './transforms/index.js';

export interface OptimizeOptions {
  /** Run only these transform ids. */
  only?: string[];
  /** Also run these opt-in transforms (those with `enabledByDefault: false`). */
  enable?: string[];
  /** Never run these transform ids. */
  skip?: string[];
  /** Run these transforms instead of the built-in registry (e.g. your own). */
  transforms?: readonly Transform[];
  /** Options per transform id. */
  transformOptions?: Record<string, Record<string, unknown>>;
  /** Also apply `runtime-equivalent` fixes, which change the image by design. */
  unsafe?: boolean;
  /** The build context directory, for transforms that read it. Without it they skip. */
  contextDir?: string;
  /** The Dockerfile's path, so that a `<name>.dockerignore` beside it is honoured. */
  dockerfilePath?: string;
}

/**
 * Rewrites a Dockerfile's text. Resolves to the new text, every finding (applied fixes, skipped
 * spots with their reasons, suggestions) and the number of passes that changed the text.
 *
 * @throws {InputError} when the text is not a Dockerfile dockeropt can safely rewrite
 *   (unknown instruction, unterminated heredoc or continuation, NUL bytes, …), or an id in
 *   `only`/`enable`/`skip` is unknown.
 */
export async function optimize(source: string, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const nul = source.indexOf('\u0000');
  if (nul >= 0) {
    const line = source.slice(0, nul).split(/\r\n|\r|\n/).length;
    throw new InputError(`binary input: line ${line} contains a NUL byte`, [{ line, message: 'NUL byte' }]);
  }
  const registry = options.transforms ?? transforms;
  for (const id of [...(options.only ?? []), ...(options.enable ?? []), ...(options.skip ?? [])]) {
    if (!registry.some((t) => t.id === id)) {
      throw new InputError(`unknown transform "${id}"; known: ${registry.map((t) => t.id).join(', ')}`);
    }
  }
  const wanted = (t: Transform) =>
    options.only ? options.only.includes(t.id) : t.enabledByDefault !== false || (options.enable ?? []).includes(t.id);
  const selected = registry.filter((t) => wanted(t) && !(options.skip ?? []).includes(t.id));
  return runEngine(source, {
    transforms: selected,
    transformOptions: options.transformOptions,
    unsafe: options.unsafe,
    contextDir: options.contextDir,
    dockerfilePath: options.dockerfilePath,
  });
}
