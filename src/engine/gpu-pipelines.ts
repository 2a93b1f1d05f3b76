import type { Model } from '../models/types.js';
import { tableauOf } from '../integrators/map.js';
import { buildKernel, type Kernel } from './kernel.js';
import { cellControlLayout, countersLayout, sweepUniformView } from './layout.js';
import type { StructuredView } from 'webgpu-utils';

/** What a kernel is compiled for: the model, the integrator and the two axis parameters' indices. */
export interface KernelChoice {
  model: Model;
  method: string;
  adaptive: boolean;
  /** Indices of the x and y axis parameters (pipeline-overridable constants kAxisX, kAxisY). */
  axes: { x: number; y: number };
  workgroupSize?: number;
}

/** Compiled sweep kernel for one (device, model, integrator, axes, workgroup size); built once, reused. */
export interface SweepPipelines {
  kernel: Kernel;
  uniformView: StructuredView;
  control: { size: number; statusOffset: number };
  counters: ReturnType<typeof countersLayout>;
  layout: GPUBindGroupLayout;
  argsLayout: GPUBindGroupLayout;
  init: GPUComputePipeline;
  advance: GPUComputePipeline;
  prepareDispatch: GPUComputePipeline;
  workgroupSize: number;
}

const cache = new WeakMap<GPUDevice, Map<string, Promise<SweepPipelines>>>();

export class KernelCompileError extends Error {
  override name = 'KernelCompileError';
}

/** Bindings of group 0, in the order of shaders/sweep.wgsl and shaders/active-cells.wgsl. */
const kGroup0: GPUBufferBindingType[] = ['uniform', 'read-only-storage', 'storage', 'storage', 'storage', 'storage', 'storage', 'storage'];

async function compile(device: GPUDevice, choice: KernelChoice, workgroupSize: number): Promise<SweepPipelines> {
  const { model, method, adaptive } = choice;
  const kernel = buildKernel(model, tableauOf(method), adaptive);
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
  const entry = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({
    binding,
    visibility: GPUShaderStage.COMPUTE,
    buffer: { type },
  });
  const layout = device.createBindGroupLayout({ label: 'sweep', entries: kGroup0.map((type, binding) => entry(binding, type)) });
  const argsLayout = device.createBindGroupLayout({ label: 'dispatch args', entries: [entry(0, 'storage')] });
  // Only prepareDispatch sees group 1, so the args buffer is never storage in an indirect dispatch's scope.
  const sweepLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const prepareLayout = device.createPipelineLayout({ bindGroupLayouts: [layout, argsLayout] });
  const constants = {
    ...kernel.constants,
    kWorkgroupSize: workgroupSize,
    kAxisX: choice.axes.x,
    kAxisY: choice.axes.y,
    kMaxGroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension,
  };
  const make = (entryPoint: string, pipelineLayout: GPUPipelineLayout) =>
    device.createComputePipelineAsync({
      label: `${model.id}/${entryPoint}`,
      layout: pipelineLayout,
      compute: { module, entryPoint, constants },
    });
  const [init, advance, prepareDispatch] = await Promise.all([
    make('init', sweepLayout),
    make('advance', sweepLayout),
    make('prepareDispatch', prepareLayout),
  ]);
  const error = await device.popErrorScope();
  if (error) throw new KernelCompileError(`the ${model.id} kernel with ${method} failed validation: ${error.message}`);
  return {
    kernel,
    uniformView: sweepUniformView(kernel.code),
    control: cellControlLayout(kernel.code),
    counters: countersLayout(kernel.code),
    layout,
    argsLayout,
    init,
    advance,
    prepareDispatch,
    workgroupSize,
  };
}

/** Id, structural variant and version: every concrete model of a family compiles its own kernel. */
function modelKey(model: Model): string {
  return `${model.id}${model.variant ? `[${model.variant}]` : ''}@${model.version}`;
}

/**
 * The workgroup size for this device: 64 unless asked otherwise, never above the device's limits.
 * 64 lanes fill a warp pair on NVIDIA, a wave on AMD and SwiftShader's SIMD width several times over.
 */
export function workgroupSizeFor(device: GPUDevice, asked = 64): number {
  return Math.max(1, Math.min(asked, device.limits.maxComputeInvocationsPerWorkgroup, device.limits.maxComputeWorkgroupSizeX));
}

export function getSweepPipelines(device: GPUDevice, choice: KernelChoice): Promise<SweepPipelines> {
  const wg = workgroupSizeFor(device, choice.workgroupSize);
  let perDevice = cache.get(device);
  if (!perDevice) {
    perDevice = new Map();
    cache.set(device, perDevice);
  }
  const key = `${modelKey(choice.model)}/${choice.method}/${choice.adaptive ? 'adaptive' : 'fixed'}/${choice.axes.x},${choice.axes.y}/${wg}`;
  let entry = perDevice.get(key);
  if (!entry) {
    entry = compile(device, choice, wg);
    entry.catch(() => perDevice.delete(key));
    perDevice.set(key, entry);
  }
  return entry;
}
