import { existsSync, readdirSync } from 'node:fs';

/**
 * A GPU the Vulkan loader could drive (Mesa's ICD files are installed whether or not one exists).
 * Its own module so that callers which only choose browser flags do not load dawn.node.
 */
export function hasGpuDevice(): boolean {
  return existsSync('/dev/nvidia0') || (existsSync('/dev/dri') && readdirSync('/dev/dri').some((f) => f.startsWith('renderD')));
}
