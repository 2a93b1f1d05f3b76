import type { Model } from './types.js';
import { tianL2 } from './tian-l2.js';
import { baoCosine } from './bao-cosine.js';
import { halvagalIsoloss } from './halvagal-isoloss.js';
import { wenLi } from './wen-li.js';
import { ziyinLandscape } from './ziyin-landscape.js';

/** Every model the engine, the explorer and the batch runner offer; tests/models/all-models.test.ts pins it. */
export const models: readonly Model[] = [tianL2, baoCosine, halvagalIsoloss, wenLi, ziyinLandscape];

export function getModel(id: string): Model | undefined {
  return models.find((m) => m.id === id);
}
