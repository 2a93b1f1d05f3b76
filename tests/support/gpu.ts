import { existsSync, readdirSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { requestSweepDevice, type SweepDevice } from '../../src/engine/device.js';

/**
 * A real WebGPU device for tests: dawn.node, on the machine's GPU if it has one, else on
 * SwiftShader's CPU Vulkan shipped with Debian's chromium. With CI set, no adapter is a failure.
 */
const kSwiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';
let shared: Promise<SweepDevice | undefined> | undefined;
// dawn.node frees its instance when the GPU object is collected, under devices still in use: keep it.
let gpu: GPU | undefined;

function nodeGpu(): GPU {
  return (gpu ??= create([]) as unknown as GPU);
}

async function open(): Promise<SweepDevice | undefined> {
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(kSwiftShaderIcd) && !hasSystemIcd()) {
    process.env.VK_ICD_FILENAMES = kSwiftShaderIcd;
  }
  Object.assign(globalThis, globals);
  try {
    return await requestSweepDevice(nodeGpu());
  } catch (e) {
    if (process.env.CI) throw new Error(`CI: no WebGPU adapter (${(e as Error).message}); install chromium and libvulkan1`);
    return undefined;
  }
}

/** A GPU the Vulkan loader could drive (Mesa's ICD files are installed whether or not one exists). */
function hasSystemIcd(): boolean {
  return existsSync('/dev/nvidia0') || (existsSync('/dev/dri') && readdirSync('/dev/dri').some((f) => f.startsWith('renderD')));
}

export function testDevice(): Promise<SweepDevice | undefined> {
  return (shared ??= open());
}

/** A fresh device of its own (for tests that destroy it). */
export async function freshDevice(): Promise<SweepDevice> {
  await testDevice();
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
