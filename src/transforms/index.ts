import type { Transform } from '../engine/types.js';
import { mergeRuns } from './merge-runs.js';

/** Every transform, in the order they are documented. */
export const transforms: readonly Transform[] = [mergeRuns];

export function findTransform(id: string): Transform | undefined {
  return transforms.find((transform) => transform.id === id);
}
