import { getModel } from '../models/registry.js';
import type { CompareSpecInput } from './compare.js';
import type { SweepSpecInput } from './spec.js';

export interface ComparePreset {
  id: string;
  title: string;
  /** One line saying what the comparison shows. */
  caption: string;
  spec: CompareSpecInput;
}

const n = 128;
/** Both sides of a comparison share their axes and integrator: the L2-vs-cosine and SimSiam-vs-BYOL planes. */
const weightDecayByP0 = {
  x: { param: 'weightDecay', min: 0.001, max: 0.2, n, scale: 'linear' as const },
  y: { param: 'p0', min: 0.001, max: 0.6, n, scale: 'linear' as const },
  integrator: { method: 'rk4', dt: 0.1, tEnd: 5000 },
};
const p0ByWeightDecay = {
  x: { param: 'p0', min: 0, max: 1, n, scale: 'linear' as const },
  y: { param: 'weightDecay', min: 0.002, max: 0.3, n, scale: 'linear' as const },
  integrator: { method: 'rk4', dt: 0.05, tEnd: 3000 },
};

/** A model preset as a sweep spec, with some parameters changed (the axes stay the preset's). */
function fromPreset(modelId: string, presetId: string, params: Record<string, number | string> = {}): SweepSpecInput {
  const preset = getModel(modelId)?.presets.find((p) => p.id === presetId);
  if (!preset) throw new Error(`compare presets: ${modelId} has no preset "${presetId}"`);
  return { model: modelId, ...preset.spec, params: { ...preset.spec.params, ...params } };
}

/**
 * Comparisons one click away in the explorer and by id in the batch runner
 * (`collapse-atlas compare --preset <id>`). Each pairs two ordinary sweep specs on the same axes.
 */
export const comparePresets: readonly ComparePreset[] = [
  {
    id: 'l2-vs-cosine',
    title: 'L2 (Tian) vs cosine (Bao, reconstruction)',
    caption: 'SimSiam at σ² = 0.5 from the invariant parabola: the cosine loss with frozen unit norms moves the weight-decay boundary.',
    spec: {
      title: 'L2 vs cosine loss',
      a: {
        model: 'tian-l2',
        params: { target: 'simsiam', augmentation: 0.5, predictorLr: 1 },
        ...weightDecayByP0,
      },
      b: {
        model: 'bao-cosine',
        params: { augmentation: 0.5, meanCosine: 1, tau: 1, predictorLr: 1, normRatio: 1, norm: 1, norms: 'frozen' },
        ...weightDecayByP0,
      },
    },
  },
  {
    id: 'simsiam-vs-byol',
    title: 'SimSiam vs BYOL target (Tian, L2)',
    caption: 'The same weight-decay threshold plane with a stop-gradient target and with an EMA target (β = 1, w_a(0) = 0).',
    spec: {
      title: 'SimSiam vs BYOL (EMA β = 1)',
      a: {
        model: 'tian-l2',
        params: { target: 'simsiam', augmentation: 0, predictorLr: 1 },
        ...p0ByWeightDecay,
      },
      b: {
        model: 'tian-l2',
        params: { target: 'byol', augmentation: 0, predictorLr: 1, emaRate: 1 },
        initial: { wa0: 0 },
        ...p0ByWeightDecay,
      },
    },
  },
  {
    id: 'euclidean-vs-isoloss',
    title: 'Euclidean vs IsoLoss (Halvagal, reconstruction)',
    caption: 'The (wd, λ₀) plane: the Euclidean loss collapses below λ₋(wd) and beyond wd = 1/4; IsoLoss has no λ₀ threshold.',
    spec: {
      title: 'Euclidean vs IsoLoss-Euclidean',
      a: fromPreset('halvagal-isoloss', 'weight-decay-euclidean'),
      b: fromPreset('halvagal-isoloss', 'weight-decay-euclidean', { loss: 'isoloss-euclidean' }),
    },
  },
  {
    id: 'flow-vs-training-step',
    title: 'Flow vs training step, cosine + wd (Halvagal, reconstruction)',
    caption:
      'The same 3000 units of time as the small-step flow and as the step itself (§8.2): the flow collapses where η·wd·t is large, the step stops on a floor λ ∝ η/M instead.',
    spec: {
      title: 'halvagal-isoloss: flow vs training step (cosine, mean-field)',
      a: {
        ...fromPreset('halvagal-isoloss', 'training-step-cosine-floor'),
        integrator: { method: 'dp5', dt: 0.1, tEnd: 3000, rtol: 1e-5 },
      },
      b: fromPreset('halvagal-isoloss', 'training-step-cosine-floor'),
    },
  },
  {
    id: 'predictor-on-vs-off',
    title: 'Predictor on vs off (Wen–Li, reconstruction)',
    caption: 'PW1 (q = 2): the trained predictor turns cells below θ_c(λ₁) from collapsed into full or partial.',
    spec: {
      title: 'Wen–Li: predictor on vs off',
      a: fromPreset('wen-li', 'pw1-predictor'),
      b: fromPreset('wen-li', 'pw1-no-predictor'),
    },
  },
];
