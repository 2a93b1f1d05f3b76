// The explorer's heatmap: a full-screen triangle whose fragments read the class and record buffers
// the sweep runner mirrors its tiles into (GridTarget), so no cell ever comes back to the CPU to be
// drawn. Cells the fine grid has not reached yet show the coarse pass beneath, else `pending`.
// HeatmapUniforms is declared only here; the TS view is derived from this text (web/render/).
// Every colour rule mirrors cellPaint in src/export/palette.ts, whose paletteWgsl() prepends the
// constants used here (kPending, kDiverged, the colour slots, kInheritedFade): nothing is hard-coded.

struct GridDims {
  nx: u32,
  ny: u32,
}

struct HeatmapUniforms {
  @align(16) fine: GridDims,
  @align(16) coarse: GridDims,   // ny = 0: no coarse pass
  viewport: vec2f,               // canvas size in pixels
  layer: i32,                    // -1: class map; else the metric's index in a record
  recordSize: u32,
  logScale: u32,                 // metric layer: normalise log(v) instead of v
  hasMissing: u32,
  missing: f32,                  // metric value meaning "never applied"
  lo: f32,                       // colour range of the metric layer
  hi: f32,
  showComputed: u32,             // the "computed cells" overlay: inherited cells faded towards white
  hasPrevious: u32,              // 0: no earlier image of this slice to show under pending cells
  previous: mat3x3f,             // canvas fraction -> fraction of previousImage (web/render/view-transform.ts)
}

@group(0) @binding(0) var<uniform> u: HeatmapUniforms;
@group(0) @binding(1) var<storage, read> fineClasses: array<u32>;
@group(0) @binding(2) var<storage, read> fineRecords: array<f32>;
@group(0) @binding(3) var<storage, read> coarseClasses: array<u32>;
@group(0) @binding(4) var<storage, read> coarseRecords: array<f32>;
// colors[0 .. kClassSlots): one per class code; [kPendingColor], [kMissingColor], [kNotComputedColor];
// [kRampStart ..]: the colormap. paletteData() in src/export/palette.ts lays the buffer out.
@group(0) @binding(5) var<storage, read> colors: array<vec4f>;
// Refinement: 0 where the cell took its block's class without being integrated (never a value).
@group(0) @binding(6) var<storage, read> fineComputed: array<u32>;
// Instant zoom and pan: the image drawn before this run (another region of the same slice), shown
// through u.previous wherever neither pass has reached a cell yet; outside it, the pending fill.
@group(0) @binding(7) var previousImage: texture_2d<f32>;

@vertex
fn vs(@builtin(vertex_index) k: u32) -> @builtin(position) vec4f {
  let xy = vec2f(f32((k << 1u) & 2u), f32(k & 2u));
  return vec4f(xy * 2.0 - 1.0, 0.0, 1.0);
}

// Cell index of the fragment in an nx × ny grid; row 0 is at the bottom (y grows upwards).
fn cellAt(pos: vec2f, g: GridDims) -> u32 {
  let f = pos / u.viewport;
  let i = min(u32(f.x * f32(g.nx)), g.nx - 1u);
  let j = g.ny - 1u - min(u32(f.y * f32(g.ny)), g.ny - 1u);
  return j * g.nx + i;
}

fn metricColor(v: f32) -> vec4f {
  if (u.hasMissing != 0u && v == u.missing) {
    return colors[kMissingColor];
  }
  var t: f32;
  if (u.logScale != 0u) {
    t = (log(max(v, 1e-37)) - log(u.lo)) / (log(u.hi) - log(u.lo));
  } else {
    t = (v - u.lo) / max(u.hi - u.lo, 1e-30);
  }
  let k = u32(clamp(t, 0.0, 1.0) * f32(kRampSize - 1u) + 0.5);
  return colors[kRampStart + k];
}

fn cellColor(cls: u32, v: f32, inherited: bool) -> vec4f {
  if (cls == kPending) {
    return colors[kPendingColor];
  }
  if (u.layer >= 0 && inherited) {
    return colors[kNotComputedColor];
  }
  if (u.layer < 0 || cls == kDiverged) {
    return colors[min(cls, kClassSlots - 1u)];
  }
  return metricColor(v);
}

fn previousColor(pos: vec2f) -> vec4f {
  if (u.hasPrevious == 0u) {
    return colors[kPendingColor];
  }
  let g = (u.previous * vec3f(pos / u.viewport, 1.0)).xy;
  if (any(g < vec2f(0.0)) || any(g >= vec2f(1.0))) {
    return colors[kPendingColor];
  }
  let size = textureDimensions(previousImage);
  return textureLoad(previousImage, min(vec2u(g * vec2f(size)), size - 1u), 0);
}

@fragment
fn fs(@builtin(position) pos: vec4f) -> @location(0) vec4f {
  let metric = u32(max(u.layer, 0));
  let cell = cellAt(pos.xy, u.fine);
  let cls = fineClasses[cell];
  if (cls != kPending || u.coarse.ny == 0u) {
    if (cls == kPending) {
      return previousColor(pos.xy);
    }
    let inherited = fineComputed[cell] == 0u;
    let color = cellColor(cls, fineRecords[cell * u.recordSize + metric], inherited);
    if (u.showComputed != 0u && inherited && cls != kPending) {
      return vec4f(mix(color.rgb, vec3f(1.0), kInheritedFade), 1.0);
    }
    return color;
  }
  let c = cellAt(pos.xy, u.coarse);
  if (coarseClasses[c] == kPending) {
    return previousColor(pos.xy);
  }
  return cellColor(coarseClasses[c], coarseRecords[c * u.recordSize + metric], false);
}
