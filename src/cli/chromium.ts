import { existsSync, readdirSync, readFileSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { hasGpuDevice } from '../engine/gpu-present.js';
import { CliError, kExit } from './errors.js';

/**
 * Headless Chromium for WebGPU: the CLI and the browser tests share these flags. The three Vulkan
 * flags let WebGPU run headless; on a machine with a GPU, SwiftShader is not forced.
 */
export const kDefaultChromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumFlags(): string[] {
  return [
    '--headless=new',
    '--no-sandbox',
    '--enable-unsafe-webgpu',
    '--use-angle=vulkan',
    '--enable-features=Vulkan',
    ...(hasGpuDevice() ? [] : ['--use-vulkan=swiftshader']),
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ];
}

export function checkChromium(path: string): void {
  if (!existsSync(path)) {
    throw new CliError(
      `Chromium not found at ${path}: install it (Debian: sudo apt-get install -y chromium libvulkan1) or pass --chromium PATH (or set CHROMIUM_PATH)`,
      kExit.noWebGpu,
    );
  }
}

/** DevTools calls may last as long as a sweep (puppeteer's default gives up after 3 minutes). */
const kProtocolTimeoutMs = 24 * 3600 * 1000;

/**
 * Starts headless Chromium with its profile in `profile` and its temporary files in `tmp`. Signals
 * are the CLI's to handle (src/cli/cleanup.ts); a start that fails exits kExit.noWebGpu.
 */
export async function launchChromium(chromium: string, profile: string, tmp: string): Promise<Browser> {
  try {
    return await puppeteer.launch({
      executablePath: chromium,
      args: chromiumFlags(),
      userDataDir: profile,
      env: { ...process.env, TMPDIR: tmp },
      // Over a pipe Chromium exits when this process does, however it ends (kill -9 included).
      pipe: true,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      protocolTimeout: kProtocolTimeoutMs,
    });
  } catch (e) {
    throw new CliError(`Chromium at ${chromium} did not start: ${(e as Error).message.split('\n')[0]}`, kExit.noWebGpu);
  }
}

/** Kills Chromium's process group (puppeteer starts it detached, its pid leading the group): every helper dies at once. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

/** Freezes the GPU processes of Chromium's process group `group` with SIGSTOP, as a hung driver would (a fault test hook). */
export function stopGpuProcesses(group: number): void {
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp === group && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('--type=gpu-process'))
        process.kill(Number(name), 'SIGSTOP');
    } catch {
      // the process ended meanwhile
    }
  }
}
