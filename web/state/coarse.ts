import { parseSpec, specToJson, type ResolvedSpec } from '../../src/sweep/spec.js';

/** Grid points per axis of the coarse pass that paints first. */
export const kCoarseN = 32;

/** The coarse pass of a view: its spec and, where the model runs a cheaper stand-in there, what to call it. */
export interface CoarsePass {
  spec: ResolvedSpec;
  /** The model's preview label (Model.preview), shown while the coarse pass is on screen. */
  label?: string;
}

/**
 * The coarse pass for a view, or undefined where the grid is no larger (or refines, which paints its
 * own coarse blocks first). A model whose chosen variant costs far more a step offers a stand-in for
 * it (Model.preview: halvagal-isoloss's mean-field closure for its exact one), so the first frame
 * stays interactive; the full grid always runs what was chosen, and the label says so meanwhile.
 */
export function coarseOf(spec: ResolvedSpec): CoarsePass | undefined {
  if (spec.refine || (spec.x.n <= kCoarseN && spec.y.n <= kCoarseN)) return undefined;
  const json = specToJson(spec);
  const preview = spec.model.preview?.(spec.values);
  const coarse = parseSpec(
    {
      ...json,
      ...(preview ? { params: { ...json.params, ...preview.params } } : {}),
      refine: false,
      x: { ...json.x, n: Math.min(kCoarseN, spec.x.n) },
      y: { ...json.y, n: Math.min(kCoarseN, spec.y.n) },
    },
    [spec.model],
  );
  return { spec: coarse, ...(preview ? { label: preview.label } : {}) };
}
