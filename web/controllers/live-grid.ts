import type { SweepResult } from '../../src/engine/result.js';
import { CLASS_PENDING, cellMetrics } from '../../src/models/types.js';
import type { ResolvedSpec } from '../../src/sweep/spec.js';
import type { GridBuffers } from '../render/heatmap-renderer.js';

// The whole-grid GPU buffers a live run fills and the heatmap draws (SweepController's).

/** `computed` code of every cell of a run that integrates them all (refine.ts: level + 1). */
const kComputedAll = 1;

export function makeGrid(device: GPUDevice, spec: ResolvedSpec, from?: SweepResult): GridBuffers {
  const nx = spec.x.n;
  const ny = spec.y.n;
  const recordSize = cellMetrics(spec.model).length;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const classes = device.createBuffer({ label: 'grid classes', size: 4 * nx * ny, usage, mappedAtCreation: true });
  const codes = new Uint32Array(classes.getMappedRange());
  if (from) codes.set(from.classes);
  else codes.fill(CLASS_PENDING);
  classes.unmap();
  const records = device.createBuffer({ label: 'grid records', size: 4 * nx * ny * recordSize, usage, mappedAtCreation: true });
  if (from) new Float32Array(records.getMappedRange()).set(from.metrics);
  records.unmap();
  const computed = device.createBuffer({ label: 'grid computed', size: 4 * nx * ny, usage, mappedAtCreation: true });
  const levels = new Uint32Array(computed.getMappedRange());
  if (from?.computed) levels.set(from.computed);
  else levels.fill(kComputedAll);
  computed.unmap();
  return { nx, ny, recordSize, classes, records, computed };
}

export const destroyGrid = (g?: GridBuffers) =>
  [g?.classes, g?.records, g?.computed].forEach((b) => {
    b?.destroy();
  });

/** One refinement round into the grid the heatmap draws: painted classes, records (NaN where inherited), computed codes. */
export function uploadRound(device: GPUDevice, grid: GridBuffers, classes: Uint8Array, result: SweepResult, computed: Uint8Array): void {
  device.queue.writeBuffer(grid.classes, 0, Uint32Array.from(classes));
  device.queue.writeBuffer(grid.records, 0, Float32Array.from(result.metrics));
  device.queue.writeBuffer(grid.computed, 0, Uint32Array.from(computed));
}

/**
 * Why the page cannot hold `spec`'s grid, or undefined when it can: its largest whole-grid buffer
 * (the records, one f32 per metric per cell) must fit the device's storage-binding and buffer
 * limits. Said before anything is allocated, e.g. `x.n: 100000 × 100000 cells need a
 * 200000000000-byte grid buffer (20 bytes per cell); this GPU holds at most 2147483648 bytes per
 * buffer (about 10362 × 10362 cells)`.
 */
export function gridLimitError(
  spec: ResolvedSpec,
  limits: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'>,
): string | undefined {
  const perCell = 4 * cellMetrics(spec.model).length;
  const bytes = spec.x.n * spec.y.n * perCell;
  const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  if (bytes <= limit) return undefined;
  const side = Math.floor(Math.sqrt(limit / perCell));
  return `x.n: ${spec.x.n} × ${spec.y.n} cells need a ${bytes}-byte grid buffer (${perCell} bytes per cell); this GPU holds at most ${limit} bytes per buffer (about ${side} × ${side} cells)`;
}
