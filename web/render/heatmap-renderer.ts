import '../../src/engine/float16-shim.js';
import { makeShaderDataDefinitions, makeStructuredView, type StructuredView } from 'webgpu-utils';
import { mat3, type Mat3 } from 'wgpu-matrix';
import heatmapWgsl from '../../shaders/web/heatmap.wgsl?raw';
import presentWgsl from '../../shaders/web/present.wgsl?raw';
import { kPaletteSlots, paletteData, paletteWgsl, type ClassPaletteId, type MetricStyle } from '../../src/export/palette.js';

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

/** One texel per cell, kept between frames: the picture a zoom or pan transforms (view-transform.ts). */
const kImageFormat: GPUTextureFormat = 'rgba8unorm';
/** Outside the image: the pending cells' fill, the same in every class palette. */
const kFill = paletteData().slice(4 * kPaletteSlots.kPendingColor, 4 * kPaletteSlots.kPendingColor + 4);

/**
 * Draws a class map or a metric layer into a WebGPU canvas straight from the sweep's GPU buffers.
 * Each draw composes the grid into an image texture (one texel per cell), which is then put on the
 * canvas through a view matrix; `keepImage()` turns the image into the `previous` one that a new
 * run's pending cells show through their own matrix. Pipelines and colour buffer are built once per
 * device; a bind group per (fine, coarse, previous) triple.
 */
export class HeatmapRenderer {
  private readonly pipeline: GPURenderPipeline;
  private readonly presentPipeline: GPURenderPipeline;
  private readonly uniforms: StructuredView;
  private readonly presentUniforms: StructuredView;
  private readonly uniformBuffer: GPUBuffer;
  private readonly presentBuffer: GPUBuffer;
  private readonly colors: GPUBuffer;
  /** Stands for the previous image when there is none (a binding must be filled). */
  private readonly blank: GPUTexture;
  private bindGroup?: { fine: GPUBuffer; coarse?: GPUBuffer; previous: GPUTexture; group: GPUBindGroup };
  private presentGroup?: { image: GPUTexture; group: GPUBindGroup };
  private palette: ClassPaletteId = 'default';
  /** The last composed picture, and the one before the last keepImage(). */
  private image?: GPUTexture;
  private previous?: GPUTexture;

  constructor(
    readonly device: GPUDevice,
    private readonly context: GPUCanvasContext,
  ) {
    const format = navigator.gpu.getPreferredCanvasFormat();
    context.configure({ device, format, alphaMode: 'opaque' });
    const pipeline = (label: string, wgsl: string, target: GPUTextureFormat) => {
      const module = device.createShaderModule({ label, code: wgsl });
      return device.createRenderPipeline({
        label,
        layout: 'auto',
        vertex: { module, entryPoint: 'vs' },
        fragment: { module, entryPoint: 'fs', targets: [{ format: target }] },
        primitive: { topology: 'triangle-list' },
      });
    };
    const uniformBuffer = (label: string, view: StructuredView) =>
      device.createBuffer({ label, size: view.arrayBuffer.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.pipeline = pipeline('heatmap', code, kImageFormat);
    this.presentPipeline = pipeline('heatmap present', presentWgsl, format);
    this.uniforms = makeStructuredView(makeShaderDataDefinitions(code).uniforms.u);
    this.presentUniforms = makeStructuredView(makeShaderDataDefinitions(presentWgsl).uniforms.p);
    this.uniformBuffer = uniformBuffer('heatmap uniforms', this.uniforms);
    this.presentBuffer = uniformBuffer('heatmap present uniforms', this.presentUniforms);
    this.blank = this.texture(1, 1);
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

  private texture(width: number, height: number): GPUTexture {
    return this.device.createTexture({
      label: 'heatmap image',
      size: [width, height],
      format: kImageFormat,
      usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.TEXTURE_BINDING,
    });
  }

  private groupFor(fine: GridBuffers, coarse: GridBuffers | undefined, previous: GPUTexture): GPUBindGroup {
    const b = this.bindGroup;
    if (b && b.fine === fine.classes && b.coarse === coarse?.classes && b.previous === previous) return b.group;
    const under = coarse ?? fine;
    const buffers = [this.uniformBuffer, fine.classes, fine.records, under.classes, under.records, this.colors, fine.computed];
    const group = this.device.createBindGroup({
      label: 'heatmap',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        ...buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
        { binding: buffers.length, resource: previous.createView() },
      ],
    });
    this.bindGroup = { fine: fine.classes, coarse: coarse?.classes, previous, group };
    return group;
  }

  /** Whether a picture has been composed since the last keepImage() (present() has something to show). */
  get hasImage(): boolean {
    return this.image !== undefined;
  }

  /** The picture on screen becomes the previous one, which the next run's draws show under their pending cells. */
  keepImage(): void {
    if (!this.image) return;
    this.previous?.destroy();
    this.previous = this.image;
    this.image = undefined;
  }

  /**
   * Composes the grid into the image (width × height texels) and presents it unchanged.
   * `showComputed`: the "computed cells" overlay (inherited cells faded by kInheritedFade).
   * `previous`: where the previous image lies (view-transform.ts viewMatrix from this grid's extent
   * to its); undefined when it shows another slice, so pending cells keep the pending fill.
   */
  draw(
    fine: GridBuffers,
    coarse: GridBuffers | undefined,
    metric: MetricStyle | undefined,
    width: number,
    height: number,
    showComputed = false,
    previous?: Mat3,
  ): void {
    if (this.image && (this.image.width !== width || this.image.height !== height)) {
      this.image.destroy();
      this.image = undefined;
    }
    this.image ??= this.texture(width, height);
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
      hasPrevious: previous && this.previous ? 1 : 0,
      previous: previous ?? mat3.identity(),
    });
    this.device.queue.writeBuffer(this.uniformBuffer, 0, this.uniforms.arrayBuffer);
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginRenderPass({
      colorAttachments: [{ view: this.image.createView(), loadOp: 'clear', storeOp: 'store', clearValue: [0.9, 0.9, 0.9, 1] }],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.groupFor(fine, coarse, this.previous ?? this.blank));
    pass.draw(3);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    this.present(width, height);
  }

  /**
   * Puts the image on the canvas (width × height pixels) through `view` (viewMatrix from the extent
   * to show to the image's; the identity by default): a zoom or pan shown before anything computes.
   * Nothing happens before the first draw.
   */
  present(width: number, height: number, view: Mat3 = mat3.identity()): void {
    const image = this.image ?? this.previous;
    if (!image) return;
    this.presentUniforms.set({ view, fill: kFill, viewport: [width, height] });
    this.device.queue.writeBuffer(this.presentBuffer, 0, this.presentUniforms.arrayBuffer);
    if (this.presentGroup?.image !== image) {
      const group = this.device.createBindGroup({
        label: 'heatmap present',
        layout: this.presentPipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.presentBuffer } },
          { binding: 1, resource: image.createView() },
        ],
      });
      this.presentGroup = { image, group };
    }
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginRenderPass({
      colorAttachments: [{ view: this.context.getCurrentTexture().createView(), loadOp: 'clear', storeOp: 'store', clearValue: kFill }],
    });
    pass.setPipeline(this.presentPipeline);
    pass.setBindGroup(0, this.presentGroup.group);
    pass.draw(3);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  destroy(): void {
    this.uniformBuffer.destroy();
    this.presentBuffer.destroy();
    this.colors.destroy();
    for (const t of [this.blank, this.image, this.previous]) t?.destroy();
  }
}
