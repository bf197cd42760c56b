import type { Transform } from '../engine/types.js';
import { aptCleanup } from './apt-cleanup.js';
import { aptNoInstallRecommends } from './apt-no-install-recommends.js';
import { aptUpdateWithInstall } from './apt-update-with-install.js';
import { cacheMounts } from './cache-mounts.js';
import { hoistVolatile } from './hoist-volatile.js';
import { mergeRuns } from './merge-runs.js';
import { multiStage } from './multi-stage.js';
import { slimBase } from './slim-base.js';
import { splitDependencyCopy } from './split-dependency-copy.js';

/** Every transform, in the order they are documented. */
export const transforms: readonly Transform[] = [splitDependencyCopy, mergeRuns, aptUpdateWithInstall, aptCleanup, aptNoInstallRecommends, cacheMounts, hoistVolatile, multiStage, slimBase];

export function findTransform(id: string): Transform | undefined {
  return transforms.find((transform) => transform.id === id);
}
