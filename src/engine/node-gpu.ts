import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { hasGpuDevice } from './gpu-present.js';

/**
 * WebGPU in Node (tests, bench) through dawn.node. On a machine with a GPU the loader's own driver
 * is used; without one, SwiftShader's CPU Vulkan that Debian's chromium ships. Never imported by
 * the page.
 */
export const kSwiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';

export { hasGpuDevice };

// dawn.node frees its instance when the GPU object is collected, under devices still in use: keep it.
let gpu: GPU | undefined;

export function nodeGpu(): GPU {
  if (!gpu) {
    if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && !hasGpuDevice() && existsSync(kSwiftShaderIcd)) {
      process.env.VK_ICD_FILENAMES = kSwiftShaderIcd;
    }
    Object.assign(globalThis, globals);
    gpu = create([]) as unknown as GPU;
  }
  return gpu;
}
