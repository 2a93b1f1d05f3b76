// WebGPU's enum namespaces (GPUBufferUsage, GPUShaderStage, ...) as globals, as in a browser.
import { globals } from 'webgpu';

Object.assign(globalThis, globals);
