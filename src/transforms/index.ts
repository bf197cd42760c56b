import type { Transform } from '../engine/types.js';
import { mergeRuns } from './merge-runs.js';
import { splitDependencyCopy } from './split-dependency-copy.js';

/** Every transform, in the order they are documented. */
export const transforms: readonly Transform[] = [splitDependencyCopy, mergeRuns];

export function findTransform(id: string): Transform | undefined {
  return transforms.find((transform) => transform.id === id);
}
