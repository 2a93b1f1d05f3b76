#!/usr/bin/env node
// Checks what `npm run dev|test|bench` (and the batch CLI) need before they start, so that a missing
// system package reads as one instruction rather than a stack trace from deep inside dawn.node.
//
// Usage: node scripts/check-prereqs.mjs <dev|test|bench|cli>
// Prints nothing and exits 0 when all is well; prints what is missing and how to install it and
// exits 1 otherwise. Plain Node ESM with no dependencies: it has to run before `npm ci`.

import { existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const kModes = ['dev', 'test', 'bench', 'cli'];
const kMinNode = [20, 19, 0];
const kAptInstall = 'sudo apt-get install -y chromium libvulkan1';
const kSwiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';
const kIcdDirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/usr/local/etc/vulkan/icd.d'];
const kLibDirs = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib',
  '/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib64',
];
/** The package each mode runs first; its absence means an incomplete install. */
const kModeTool = { dev: 'vite', test: 'vitest', bench: 'tsx', cli: 'tsx' };

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function fail(lines, heading = 'missing prerequisites') {
  process.stderr.write(`\ncollapse-atlas: ${heading}\n\n${lines.join('\n')}\n\n`);
  process.exit(1);
}

/** True when version string "a.b.c" is at least `min`. */
function atLeast(version, min) {
  const parts = version.split('.').map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < min.length; i++) {
    if ((parts[i] || 0) !== min[i]) return (parts[i] || 0) > min[i];
  }
  return true;
}

function hasVulkanLoader() {
  for (const ldconfig of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    try {
      const out = execFileSync(ldconfig, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      if (/\blibvulkan\.so\.1\b/.test(out)) return true;
      break; // ldconfig ran and does not know it; fall back to looking in the usual directories
    } catch {
      // not on PATH, or not permitted: try the next one
    }
  }
  return kLibDirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1')));
}

/** Vulkan ICD manifests other than SwiftShader's: a GPU driver, lavapipe, or an explicit choice. */
function otherVulkanIcds() {
  const found = [];
  for (const variable of ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES']) {
    for (const file of (process.env[variable] || '').split(':')) {
      if (file && file !== kSwiftShaderIcd && existsSync(file)) found.push(file);
    }
  }
  for (const dir of kIcdDirs) {
    let names = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) if (name.endsWith('.json')) found.push(join(dir, name));
  }
  return found;
}

const mode = process.argv[2];
if (!kModes.includes(mode)) {
  fail([`Usage: node scripts/check-prereqs.mjs <${kModes.join('|')}>`], 'unknown mode');
}

if (!atLeast(process.versions.node, kMinNode)) {
  fail([
    `Node ${kMinNode.slice(0, 2).join('.')} or newer is required; this is Node ${process.versions.node}.`,
    'Install a current Node LTS, for example with nvm:',
    '  nvm install 22 && nvm use 22',
  ]);
}

const missingModule = !existsSync(join(repoRoot, 'node_modules'))
  ? 'node_modules'
  : !existsSync(join(repoRoot, 'node_modules', kModeTool[mode], 'package.json'))
    ? `node_modules/${kModeTool[mode]}`
    : null;
if (missingModule) {
  fail([
    `The npm dependencies are not installed (${missingModule} not found).`,
    'Install them from the lockfile in the repository root:',
    '  npm ci',
  ]);
}

// The system packages below are what Debian needs for dawn.node (Vulkan) and the browser tests
// (Chromium). Elsewhere (macOS, Windows) dawn.node uses the native API and these checks do not apply.
if (mode !== 'dev' && process.platform === 'linux') {
  const missing = [];
  if (!hasVulkanLoader()) {
    missing.push('  - the Vulkan loader libvulkan.so.1 (Debian package libvulkan1)');
  }
  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    const how = process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${chromium} does not exist` : '/usr/bin/chromium not found';
    missing.push(`  - Chromium (Debian package chromium; ${how})`);
  }
  const icds = otherVulkanIcds();
  if (!existsSync(kSwiftShaderIcd) && icds.length === 0) {
    missing.push(
      `  - a Vulkan driver: neither SwiftShader's ${kSwiftShaderIcd} (comes with Debian's chromium)` +
        ` nor any ICD in ${kIcdDirs.slice(0, 2).join(' or ')}`,
    );
  }
  if (missing.length > 0) {
    fail([`npm run ${mode} needs:`, ...missing, '', 'Install them with:', `  ${kAptInstall}`]);
  }
  if (!existsSync(kSwiftShaderIcd)) {
    // Not a failure: a GPU driver was found. Only the CPU fallback is unavailable.
    process.stderr.write(
      `note: ${kSwiftShaderIcd} not found; using the installed Vulkan driver(s) ` +
        `(${icds.map((f) => f.split('/').pop()).join(', ')}). ` +
        `For SwiftShader's CPU fallback: ${kAptInstall}\n`,
    );
  }
}
