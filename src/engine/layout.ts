import './float16-shim.js';
import { makeShaderDataDefinitions, makeStructuredView, type StructuredView } from 'webgpu-utils';

// Host-side views of the kernel's structs, derived from the WGSL declarations themselves
// (webgpu-utils reflects offsets and padding), so each struct is declared once, in shaders/.

/** Cell statuses, as the kCell* constants of shaders/sweep.wgsl. */
export const CELL_STATUS = { active: 0, settled: 1, done: 2, diverged: 3, stiff: 4 } as const;

export function sweepUniformView(kernelCode: string): StructuredView {
  const defs = makeShaderDataDefinitions(kernelCode);
  const def = defs.uniforms.sweep;
  if (!def) throw new Error('kernel declares no uniform named "sweep"');
  return makeStructuredView(def);
}

/** Byte size of one CellControl and the offset of its `status`, from the WGSL struct. */
export function cellControlLayout(kernelCode: string): { size: number; statusOffset: number } {
  const def = makeShaderDataDefinitions(kernelCode).structs.CellControl;
  if (!def) throw new Error('kernel declares no struct CellControl');
  const status = def.fields.status;
  if (!status) throw new Error('CellControl has no field "status"');
  return { size: def.size, statusOffset: status.offset };
}

/** Byte size of ActiveCounters and the offsets of its fields, from the WGSL struct. */
export function countersLayout(kernelCode: string): { size: number; active: number; invocations: number; slowestT: number } {
  const def = makeShaderDataDefinitions(kernelCode).structs.ActiveCounters;
  if (!def) throw new Error('kernel declares no struct ActiveCounters');
  const f = def.fields;
  return { size: def.size, active: f.listed.offset, invocations: f.invocations.offset, slowestT: f.slowestT.offset };
}
