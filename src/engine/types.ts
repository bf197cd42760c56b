import type { BuildContext } from '../model/context.js';
import type { DockerfileModel } from '../model/dockerfile.js';

/**
 * What a transform promises about the image built from its output.
 * - `identical`: same final filesystem and runtime config.
 * - `identical-except-caches`: same, except the package-manager cache paths the transform lists.
 * - `runtime-equivalent`: the image changes by design; applied only with explicit consent.
 */
export type Contract = 'identical' | 'identical-except-caches' | 'runtime-equivalent';

/** Replace `source.slice(start, end)` with `text`. Offsets are JS string indices into the text the transform saw. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** A transform's report about one spot. Without `edits` it is a skip (or a suggestion) with its reason. */
export interface Proposal {
  message: string;
  reason: string;
  start: number;
  end: number;
  /** Applied all-or-nothing. */
  edits?: TextEdit[];
}

/** A proposal as the engine reports it, with its transform, position and outcome. */
export interface Finding {
  transform: string;
  contract: Contract;
  message: string;
  reason: string;
  /** 1-based lines and columns in the input text (a later pass's finding is mapped back through the earlier fixes). */
  range: { startLine: number; startColumn: number; endLine: number; endColumn: number };
  /** Offsets into the input text, mapped back like `range`. */
  offsets: { start: number; end: number };
  fixable: boolean;
  applied: boolean;
  /** The pass (1-based) that produced the finding. */
  pass: number;
}

/** What a transform may read besides the Dockerfile itself. */
export interface TransformContext {
  /** Options for this transform from config or the API caller. */
  options: Record<string, unknown>;
  /** The build context, when the caller gave one. */
  buildContext: BuildContext | null;
}

export interface Transform {
  id: string;
  title: string;
  contract: Contract;
  /** False for opt-in transforms, which run only when named in `enable` or `only`. Default true. */
  enabledByDefault?: boolean;
  /** Higher wins when edits of two transforms overlap in one pass. */
  priority: number;
  /** The options it accepts (from config or the API), with their types. */
  options?: Record<string, 'boolean' | 'string' | 'number' | 'string[]'>;
  /** For `identical-except-caches`: the paths the contract ignores. */
  cachePaths?: string[];
  run(doc: DockerfileModel, ctx: TransformContext): Proposal[];
}
