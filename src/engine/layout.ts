import './float16-shim.js';
import { makeShaderDataDefinitions, makeStructuredView, type StructuredView } from 'webgpu-utils';

/**
 * The host-side view of SweepUniforms, derived from the WGSL declaration itself (webgpu-utils
 * reflects offsets and padding), so the struct is declared once, in shaders/sweep.wgsl.
 */
export interface SweepUniformValues {
  x: AxisUniform;
  y: AxisUniform;
  rowOffset: number;
  cellCount: number;
  stepStart: number;
  stepCount: number;
  dt: number;
}

export interface AxisUniform {
  param: number;
  n: number;
  logScale: number;
  min: number;
  max: number;
}

export function sweepUniformView(kernelCode: string): StructuredView {
  const defs = makeShaderDataDefinitions(kernelCode);
  const def = defs.uniforms.sweep;
  if (!def) throw new Error('kernel declares no uniform named "sweep"');
  return makeStructuredView(def);
}
