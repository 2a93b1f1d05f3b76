import '../../src/engine/float16-shim.js';
import { makeShaderDataDefinitions, makeStructuredView, type StructuredView } from 'webgpu-utils';
import heatmapWgsl from '../../shaders/web/heatmap.wgsl?raw';
import { paletteData, paletteWgsl, type ClassPaletteId, type MetricStyle } from '../../src/export/palette.js';

export type { MetricStyle };

/** The heatmap shader with its palette constants generated from the one colouring module. */
export const heatmapCode = `${paletteWgsl()}\n\n${heatmapWgsl}`;
const code = heatmapCode;

/** One grid's whole-grid buffers (GridTarget) with its shape. */
export interface GridBuffers {
  nx: number;
  ny: number;
  /** f32 per cell record (cellMetrics(model).length). */
  recordSize: number;
  classes: GPUBuffer;
  records: GPUBuffer;
  /** u32 per cell: 0 inherited from its block (refinement), else computed (level + 1, 255 a verification sample). */
  computed: GPUBuffer;
}

/**
 * Draws a class map or a metric layer into a WebGPU canvas straight from the sweep's GPU buffers.
 * Pipeline and colour buffer are built once per device; a bind group per (fine, coarse) pair.
 */
export class HeatmapRenderer {
  private readonly pipeline: GPURenderPipeline;
  private readonly uniforms: StructuredView;
  private readonly uniformBuffer: GPUBuffer;
  private readonly colors: GPUBuffer;
  private bindGroup?: { fine: GPUBuffer; coarse?: GPUBuffer; group: GPUBindGroup };
  private palette: ClassPaletteId = 'default';

  constructor(
    readonly device: GPUDevice,
    private readonly context: GPUCanvasContext,
  ) {
    const format = navigator.gpu.getPreferredCanvasFormat();
    context.configure({ device, format, alphaMode: 'opaque' });
    const module = device.createShaderModule({ label: 'heatmap', code });
    this.pipeline = device.createRenderPipeline({
      label: 'heatmap',
      layout: 'auto',
      vertex: { module, entryPoint: 'vs' },
      fragment: { module, entryPoint: 'fs', targets: [{ format }] },
      primitive: { topology: 'triangle-list' },
    });
    this.uniforms = makeStructuredView(makeShaderDataDefinitions(code).uniforms.u);
    this.uniformBuffer = device.createBuffer({
      label: 'heatmap uniforms',
      size: this.uniforms.arrayBuffer.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const palette = paletteData(this.palette);
    this.colors = device.createBuffer({
      label: 'heatmap colours',
      size: palette.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(this.colors, 0, palette);
  }

  /** Switches the class colours (the colour buffer is rewritten; the ramp and the other slots stay). */
  setPalette(palette: ClassPaletteId): void {
    if (palette === this.palette) return;
    this.palette = palette;
    this.device.queue.writeBuffer(this.colors, 0, paletteData(palette));
  }

  private groupFor(fine: GridBuffers, coarse: GridBuffers | undefined): GPUBindGroup {
    const b = this.bindGroup;
    if (b && b.fine === fine.classes && b.coarse === coarse?.classes) return b.group;
    const under = coarse ?? fine;
    const buffers = [this.uniformBuffer, fine.classes, fine.records, under.classes, under.records, this.colors, fine.computed];
    const group = this.device.createBindGroup({
      label: 'heatmap',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    this.bindGroup = { fine: fine.classes, coarse: coarse?.classes, group };
    return group;
  }

  /** `showComputed`: the "computed cells" overlay (inherited cells faded by kInheritedFade). */
  draw(
    fine: GridBuffers,
    coarse: GridBuffers | undefined,
    metric: MetricStyle | undefined,
    width: number,
    height: number,
    showComputed = false,
  ): void {
    this.uniforms.set({
      fine: { nx: fine.nx, ny: fine.ny },
      coarse: { nx: coarse?.nx ?? 1, ny: coarse?.ny ?? 0 },
      viewport: [width, height],
      layer: metric ? metric.index : -1,
      recordSize: fine.recordSize,
      logScale: metric?.log ? 1 : 0,
      hasMissing: metric?.missing === undefined ? 0 : 1,
      missing: metric?.missing ?? 0,
      lo: metric?.lo ?? 0,
      hi: metric?.hi ?? 1,
      showComputed: showComputed ? 1 : 0,
    });
    this.device.queue.writeBuffer(this.uniformBuffer, 0, this.uniforms.arrayBuffer);
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginRenderPass({
      colorAttachments: [
        { view: this.context.getCurrentTexture().createView(), loadOp: 'clear', storeOp: 'store', clearValue: [0.9, 0.9, 0.9, 1] },
      ],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.groupFor(fine, coarse));
    pass.draw(3);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  destroy(): void {
    this.uniformBuffer.destroy();
    this.colors.destroy();
  }
}
