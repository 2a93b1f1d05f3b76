import { SpecError } from './resolved-spec.js';

/**
 * The cells integrated in one set of buffers: a band of whole grid rows, or (`list` set) a chunk of
 * a list of grid cells, in which case buffer slot k holds grid cell list[k] and rowOffset, rows are 0.
 */
export interface Tile {
  rowOffset: number;
  rows: number;
  cells: number;
  /** Grid indices j·nx + i of the tile's cells, slot by slot (a cell-list run only). */
  list?: Uint32Array;
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
  const maxCells = maxTileCells(bytesPerCell, limits);
  const rowsPerTile = Math.floor(maxCells / nx);
  if (rowsPerTile < 1) {
    throw new SpecError(
      `x.n: one grid row of ${nx} cells needs ${nx * bytesPerCell} bytes per buffer, more than this device allows per tile (${Math.min(maxCells * bytesPerCell, Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize))} bytes); lower x.n`,
    );
  }
  const tiles: Tile[] = [];
  for (let row = rows.start; row < rows.end; row += rowsPerTile) {
    const count = Math.min(rowsPerTile, rows.end - row);
    tiles.push({ rowOffset: row, rows: count, cells: count * nx });
  }
  return tiles;
}

function maxTileCells(bytesPerCell: number, limits: TileLimits): number {
  const bindingLimit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const dispatchLimit = limits.maxComputeWorkgroupsPerDimension ** 2 * limits.workgroupSize;
  return Math.min(Math.floor(bindingLimit / bytesPerCell), dispatchLimit, limits.maxCellsPerTile ?? Infinity);
}

/**
 * Splits a list of grid cells (indices j·nx + i, any order) into consecutive chunks under the same
 * limits as planTiles; the cells keep the list's order. An empty list gives no tile.
 */
export function planListTiles(cells: Uint32Array, bytesPerCell: number, limits: TileLimits): Tile[] {
  const maxCells = Math.max(1, maxTileCells(bytesPerCell, limits));
  const tiles: Tile[] = [];
  for (let k = 0; k < cells.length; k += maxCells) {
    const list = cells.subarray(k, Math.min(cells.length, k + maxCells));
    tiles.push({ rowOffset: 0, rows: 0, cells: list.length, list });
  }
  return tiles;
}
