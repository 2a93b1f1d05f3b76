import { SpecError } from '../sweep/spec.js';

/** A band of whole grid rows integrated in one set of buffers. */
export interface Tile {
  rowOffset: number;
  rows: number;
  cells: number;
}

export interface TileLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension: number;
  workgroupSize: number;
  /** Optional cap (tests force several tiles with it; interactive use keeps tiles short). */
  maxCellsPerTile?: number;
}

/** Grid rows start … end − 1 (y indices), for a run that covers one band of a bigger grid. */
export interface RowBand {
  start: number;
  end: number;
}

/**
 * Splits an nx × ny grid (or only the rows of `rows`) into row bands so that every per-cell buffer fits one storage binding and
 * every dispatch fits the workgroup grid (2-D dispatch, so up to maxPerDim² workgroups).
 * `bytesPerCell` is the largest per-cell footprint among the buffers.
 */
export function planTiles(nx: number, ny: number, bytesPerCell: number, limits: TileLimits, rows: RowBand = { start: 0, end: ny }): Tile[] {
  const bindingLimit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const dispatchLimit = limits.maxComputeWorkgroupsPerDimension ** 2 * limits.workgroupSize;
  const maxCells = Math.min(Math.floor(bindingLimit / bytesPerCell), dispatchLimit, limits.maxCellsPerTile ?? Infinity);
  const rowsPerTile = Math.floor(maxCells / nx);
  if (rowsPerTile < 1) {
    throw new SpecError(`x.n: one grid row of ${nx} cells needs ${nx * bytesPerCell} bytes per buffer, more than this device allows per tile (${Math.min(maxCells * bytesPerCell, bindingLimit)} bytes); lower x.n`);
  }
  const tiles: Tile[] = [];
  for (let row = rows.start; row < rows.end; row += rowsPerTile) {
    const count = Math.min(rowsPerTile, rows.end - row);
    tiles.push({ rowOffset: row, rows: count, cells: count * nx });
  }
  return tiles;
}
