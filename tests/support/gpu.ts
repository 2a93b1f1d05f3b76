import { requestSweepDevice, type SweepDevice } from '../../src/engine/device.js';
import { nodeGpu } from '../../src/engine/node-gpu.js';

/** A real WebGPU device for tests (see nodeGpu). With CI set, no adapter is a failure, not a skip. */
let shared: Promise<SweepDevice | undefined> | undefined;

async function open(): Promise<SweepDevice | undefined> {
  try {
    return await requestSweepDevice(nodeGpu());
  } catch (e) {
    if (process.env.CI) throw new Error(`CI: no WebGPU adapter (${(e as Error).message}); install chromium and libvulkan1`);
    return undefined;
  }
}

export function testDevice(): Promise<SweepDevice | undefined> {
  shared ??= open();
  return shared;
}

/** A fresh device of its own (for tests that destroy it). */
export function freshDevice(): Promise<SweepDevice> {
  return requestSweepDevice(nodeGpu());
}

/** Runs fn inside validation and out-of-memory error scopes; any error fails the test. */
export async function withErrorScopes<T>(device: GPUDevice, fn: () => Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  const out = await fn();
  const validation = await device.popErrorScope();
  const oom = await device.popErrorScope();
  if (validation) throw new Error(`WebGPU validation error: ${validation.message}`);
  if (oom) throw new Error(`WebGPU out-of-memory error: ${oom.message}`);
  return out;
}
