import { readFileSync } from 'node:fs';
import { usageError } from './errors.js';

/** The dtypes the CLI writes (src/export/grid.ts): class and computed codes, and float32 grids. */
const kDtypes = { '|u1': { name: 'uint8', bytes: 1 }, '<f4': { name: 'float32', bytes: 4 } } as const;
export type NpyDescr = keyof typeof kDtypes;

const kMagic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Reads a .npy file that must hold exactly `descr` with `shape` (C order), and says what is wrong
 * otherwise: missing, empty, not .npy, another dtype or shape, truncated or with bytes to spare.
 * A tile that lost its tail must never merge as zeros. Errors are usage errors (exit 2) naming `path`.
 */
export function readNpyExact(path: string, descr: NpyDescr, shape: readonly number[]): Uint8Array | Float32Array {
  const fail = (why: string) => usageError(`merge: ${path}: ${why}`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? 'missing' : `cannot read (${code ?? (e as Error).message})`);
  }
  if (bytes.length === 0) throw fail('empty (0 bytes)');
  if (bytes.length < 10 || kMagic.some((b, k) => bytes[k] !== b)) throw fail('not an .npy file (no \\x93NUMPY magic at the start)');
  const major = bytes[6];
  const lenBytes = major === 1 ? 2 : 4;
  if (major < 1 || major > 3) throw fail(`unknown .npy format version ${major}`);
  if (bytes.length < 8 + lenBytes) throw fail('truncated inside the .npy header');
  const headerLen = lenBytes === 2 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const dataStart = 8 + lenBytes + headerLen;
  if (bytes.length < dataStart) throw fail(`truncated inside the .npy header (${bytes.length} bytes, the header alone needs ${dataStart})`);
  const header = bytes.toString('latin1', 8 + lenBytes, dataStart);
  const got = {
    descr: /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1],
    fortran: /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1],
    shape: /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1],
  };
  if (got.descr === undefined || got.fortran === undefined || got.shape === undefined)
    throw fail(`unreadable .npy header ${JSON.stringify(header.trim().slice(0, 80))}`);
  const want = kDtypes[descr];
  if (got.descr !== descr) throw fail(`holds dtype ${got.descr}, expected ${descr} (${want.name})`);
  if (got.fortran !== 'False') throw fail('is in Fortran order, expected C order');
  const dims = got.shape
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map(Number);
  if (dims.join(',') !== shape.join(',')) throw fail(`has shape [${dims.join(', ')}], expected [${shape.join(', ')}]`);
  const dataBytes = shape.reduce((a, b) => a * b, 1) * want.bytes;
  const have = bytes.length - dataStart;
  if (have < dataBytes) throw fail(`truncated: ${have} bytes of data, expected ${dataBytes} ([${shape.join(', ')}] ${want.name})`);
  if (have > dataBytes)
    throw fail(`${have - dataBytes} bytes after the data, expected exactly ${dataBytes} ([${shape.join(', ')}] ${want.name})`);
  // A copy: the file's bytes need not be aligned for a Float32Array view.
  const data = bytes.buffer.slice(bytes.byteOffset + dataStart, bytes.byteOffset + bytes.length);
  return descr === '|u1' ? new Uint8Array(data) : new Float32Array(data);
}
