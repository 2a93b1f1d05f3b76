import { readFileSync } from 'node:fs';
import type { Preset } from '../../src/models/types.js';
import type { SweepSpecInput } from '../../src/sweep/spec.js';

/**
 * The fixed-horizon reference of a preset (scripts/fixed-horizon.ts writes them): the preset at n²
 * with a fixed-step integrator run to tEnd and no early exit. A preset that moved to an adaptive
 * method keeps its fixed-step reference through `fixedHorizon` (rk4 at the preset's old dt).
 */
export function fixedHorizonSpec(modelId: string, preset: Preset, n: number): SweepSpecInput {
  const s = preset.spec;
  const fixed = preset.fixedHorizon ?? { method: s.integrator?.method ?? 'rk4', dt: s.integrator?.dt };
  return {
    model: modelId,
    params: s.params,
    initial: s.initial,
    x: { ...s.x, n },
    y: { ...s.y, n },
    integrator: {
      method: fixed.method,
      dt: fixed.dt,
      tEnd: s.integrator?.tEnd,
      ...(fixed.method === 'dp5' || fixed.method === 'tsit5' ? { adaptive: false } : {}),
    },
    settle: false,
  };
}

export function fixedHorizonPath(modelId: string, presetId: string): string {
  return `tests/fixtures/fixed-horizon/${modelId}--${presetId}.json`;
}

export interface FixedHorizon {
  spec: SweepSpecInput;
  adapter: string;
  classes: Uint8Array;
  nx: number;
  ny: number;
}

export function readFixedHorizon(modelId: string, presetId: string): FixedHorizon {
  const raw = JSON.parse(readFileSync(fixedHorizonPath(modelId, presetId), 'utf8')) as {
    spec: SweepSpecInput;
    adapter: string;
    classes: string[];
  };
  const ny = raw.classes.length;
  const nx = raw.classes[0].length;
  return { spec: raw.spec, adapter: raw.adapter, nx, ny, classes: Uint8Array.from(raw.classes.join(''), (c) => Number(c)) };
}
