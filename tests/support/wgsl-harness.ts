import { kernelPrelude } from '../../src/engine/kernel.js';
import { tableaus } from '../../src/integrators/tableaus.js';
import type { Model } from '../../src/models/types.js';

/**
 * Runs a model's WGSL functions at given points: `extra` is joined after the model's WGSL, `body`
 * computes from `y: State` and `P: Params` and stores `out(k, value)` for k < outputs. Inputs are
 * the points' states then parameters, each point state.length + params.length f32s.
 */
export async function evaluateWgsl(
  device: GPUDevice,
  model: Model,
  extra: string,
  body: string,
  inputs: Float32Array<ArrayBuffer>,
  outputs: number,
): Promise<Float32Array> {
  const S = model.state.length;
  const N = model.params.length;
  const stride = S + N;
  const points = inputs.length / stride;
  const code = [
    kernelPrelude(model, tableaus.rk4),
    // The prelude's cellParams reads this binding; the entry point below never calls it.
    '@group(0) @binding(9) var<storage, read> baseParams: array<f32>;',
    '@group(0) @binding(0) var<storage, read> inputs: array<f32>;',
    '@group(0) @binding(1) var<storage, read_write> outputs: array<f32>;',
    'const kDerived = -1.0e30;',
    'const kSettle_generic = 0u;\nconst kSettle_stop = 1u;\nconst kSettle_continue = 2u;',
    model.wgsl,
    extra,
    `fn out(k: u32, v: f32) {\n  outputs[gidx * ${outputs}u + k] = v;\n}`,
    'var<private> gidx: u32;',
    `@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  gidx = gid.x;
  if (gidx >= ${points}u) {
    return;
  }
  var y: State;
  for (var d = 0u; d < kStateSize; d++) {
    y[d] = inputs[gidx * ${stride}u + d];
  }
  var P: Params;
  for (var q = 0u; q < kParamCount; q++) {
    P[q] = inputs[gidx * ${stride}u + ${S}u + q];
  }
${body}
}`,
  ].join('\n\n');
  return runCompute(device, code, inputs, points * outputs, Math.ceil(points / 64), { kAxisX: 0, kAxisY: 1 });
}

/**
 * Compiles `code` (entry point `main`, input at binding 0, output at binding 1), dispatches
 * `workgroups` workgroups and returns `outputFloats` f32 of the output; a compile error fails with
 * the messages. Inside the caller's error scopes, if any.
 */
export async function runCompute(
  device: GPUDevice,
  code: string,
  inputs: Float32Array<ArrayBuffer>,
  outputFloats: number,
  workgroups: number,
  constants: Record<string, number> = {},
): Promise<Float32Array> {
  const module = device.createShaderModule({ code });
  const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
  if (errors.length) throw new Error(`WGSL failed to compile: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
  const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main', constants } });
  const input = device.createBuffer({ size: inputs.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(input, 0, inputs);
  const bytes = outputFloats * 4;
  const output = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: input } },
      { binding: 1, resource: { buffer: output } },
    ],
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(workgroups);
  pass.end();
  enc.copyBufferToBuffer(output, 0, read, 0, bytes);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(read.getMappedRange().slice(0));
  read.unmap();
  for (const b of [input, output, read]) b.destroy();
  return out;
}
