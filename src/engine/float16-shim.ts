// webgpu-utils names Float16Array at module load; Node 20 has none (Chrome does). Import this
// module before webgpu-utils so the engine also loads in Node (tests, bench, CLI).
import { Float16Array as Float16ArrayPolyfill } from '@petamoriken/float16';

const g = globalThis as { Float16Array?: unknown };
g.Float16Array ??= Float16ArrayPolyfill;
