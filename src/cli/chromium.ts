import { hasGpuDevice } from '../engine/gpu-present.js';

/**
 * Headless Chromium for WebGPU: the CLI and the browser tests share these flags. The three Vulkan
 * flags let WebGPU run headless; on a machine with a GPU, SwiftShader is not forced.
 */
export const kDefaultChromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumFlags(): string[] {
  return [
    '--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--use-angle=vulkan', '--enable-features=Vulkan',
    ...(hasGpuDevice() ? [] : ['--use-vulkan=swiftshader']),
    '--disable-background-networking', '--disable-component-update', '--no-first-run',
  ];
}
