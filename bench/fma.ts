import fmaWgsl from '../shaders/bench/fma.wgsl?raw';

/** Measures the adapter's multiply-add throughput (flop/s) with the FMA microkernel. */
export async function fmaFlops(device: GPUDevice, invocations = 1 << 18, iterations = 2048): Promise<number> {
  const module = device.createShaderModule({ code: fmaWgsl });
  const pipeline = await device.createComputePipelineAsync({
    layout: 'auto',
    compute: { module, entryPoint: 'main', constants: { kIterations: iterations, kWorkgroupSize: 64 } },
  });
  const sink = device.createBuffer({ size: 4 * invocations, usage: GPUBufferUsage.STORAGE });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: sink } }],
  });
  const run = async () => {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    const groups = invocations / 64;
    const gx = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
    pass.dispatchWorkgroups(gx, Math.ceil(groups / gx));
    pass.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
  };
  await run(); // compile and warm up
  const t0 = performance.now();
  await run();
  const seconds = (performance.now() - t0) / 1000;
  sink.destroy();
  // 32 lanes (eight vec4 chains) × 2 flops per multiply-add per iteration.
  return (invocations * iterations * 64) / seconds;
}
