import { existsSync, readdirSync } from 'node:fs';
import { create, globals } from 'webgpu';

/**
 * WebGPU in Node (tests, bench) through dawn.node. On a machine with a GPU the loader's own driver
 * is used; without one, SwiftShader's CPU Vulkan that Debian's chromium ships. Never imported by
 * the page.
 */
export const kSwiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** A GPU the Vulkan loader could drive (Mesa's ICD files are installed whether or not one exists). */
export function hasGpuDevice(): boolean {
  return existsSync('/dev/nvidia0') || (existsSync('/dev/dri') && readdirSync('/dev/dri').some((f) => f.startsWith('renderD')));
}

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
