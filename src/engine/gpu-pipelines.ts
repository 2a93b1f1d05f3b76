import type { Model } from '../models/types.js';
import { tableaus } from '../integrators/tableaus.js';
import { buildKernel, type Kernel } from './kernel.js';
import { sweepUniformView } from './layout.js';
import type { StructuredView } from 'webgpu-utils';

/** Compiled sweep kernel for one (device, model, integrator, workgroup size); built once, reused. */
export interface SweepPipelines {
  kernel: Kernel;
  uniformView: StructuredView;
  layout: GPUBindGroupLayout;
  init: GPUComputePipeline;
  advance: GPUComputePipeline;
  workgroupSize: number;
}

const cache = new WeakMap<GPUDevice, Map<string, Promise<SweepPipelines>>>();

export class KernelCompileError extends Error {
  override name = 'KernelCompileError';
}

async function compile(device: GPUDevice, model: Model, method: string, workgroupSize: number): Promise<SweepPipelines> {
  const kernel = buildKernel(model, tableaus[method]);
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label: `${modelKey(model)}/${method}`, code: kernel.code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) {
    await device.popErrorScope();
    const lines = kernel.code.split('\n');
    const detail = errors.map((m) => `line ${m.lineNum}: ${m.message}\n  ${lines[m.lineNum - 1] ?? ''}`).join('\n');
    throw new KernelCompileError(`the ${model.id} kernel with ${method} does not compile:\n${detail}`);
  }
  const storage = (type: GPUBufferBindingType): GPUBufferBindingLayout => ({ type });
  const layout = device.createBindGroupLayout({
    label: 'sweep',
    entries: [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: storage('uniform') },
      { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: storage('read-only-storage') },
      { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: storage('storage') },
      { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: storage('storage') },
      { binding: 4, visibility: GPUShaderStage.COMPUTE, buffer: storage('storage') },
    ],
  });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const constants = { ...kernel.constants, kWorkgroupSize: workgroupSize };
  const make = (entryPoint: string) =>
    device.createComputePipelineAsync({ label: `${model.id}/${entryPoint}`, layout: pipelineLayout, compute: { module, entryPoint, constants } });
  const [init, advance] = await Promise.all([make('init'), make('advance')]);
  const error = await device.popErrorScope();
  if (error) throw new KernelCompileError(`the ${model.id} kernel with ${method} failed validation: ${error.message}`);
  return { kernel, uniformView: sweepUniformView(kernel.code), layout, init, advance, workgroupSize };
}

/** Id, structural variant and version: every concrete model of a family compiles its own kernel. */
function modelKey(model: Model): string {
  return `${model.id}${model.variant ? `[${model.variant}]` : ''}@${model.version}`;
}

export function getSweepPipelines(device: GPUDevice, model: Model, method: string, workgroupSize = 64): Promise<SweepPipelines> {
  let perDevice = cache.get(device);
  if (!perDevice) cache.set(device, (perDevice = new Map()));
  const key = `${modelKey(model)}/${method}/${workgroupSize}`;
  let entry = perDevice.get(key);
  if (!entry) {
    entry = compile(device, model, method, workgroupSize);
    entry.catch(() => perDevice.delete(key));
    perDevice.set(key, entry);
  }
  return entry;
}
