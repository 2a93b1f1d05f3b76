/**
 * Getting a device for sweeps: the adapter's larger buffer limits are requested (the defaults cap a
 * storage binding at 128 MiB), and the adapter is described in one line for logs and manifests.
 * Never asks for a particular adapter: on a machine with a GPU the same call uses it.
 */
export interface SweepDevice {
  device: GPUDevice;
  adapterInfo: string;
}

export class WebGpuUnavailableError extends Error {
  override name = 'WebGpuUnavailableError';
}

export function describeAdapter(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0);
  return parts.length ? parts.join(' / ') : 'unnamed adapter';
}

export async function requestSweepDevice(gpu: GPU | undefined, options: GPURequestAdapterOptions = {}): Promise<SweepDevice> {
  if (!gpu) throw new WebGpuUnavailableError('WebGPU is not available here (navigator.gpu is missing)');
  const adapter = await gpu.requestAdapter(options);
  if (!adapter) throw new WebGpuUnavailableError('WebGPU is present but no adapter was found (no usable GPU or software Vulkan driver)');
  const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
  const device = await adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize, maxBufferSize } });
  return { device, adapterInfo: describeAdapter(adapter.info) };
}
