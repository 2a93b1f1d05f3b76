// Puts the heatmap's image (one texel per cell) on the canvas through a view matrix: the identity
// normally, a zoom or pan while the pointer moves (web/render/view-transform.ts). Canvas pixels that
// fall outside the image get the pending fill: a region not computed yet, never a class colour.

struct PresentUniforms {
  view: mat3x3f,     // canvas fraction (x right, y down) -> image fraction
  fill: vec4f,       // outside the image
  viewport: vec2f,   // canvas size in pixels
}

@group(0) @binding(0) var<uniform> p: PresentUniforms;
@group(0) @binding(1) var image: texture_2d<f32>;

@vertex
fn vs(@builtin(vertex_index) k: u32) -> @builtin(position) vec4f {
  let xy = vec2f(f32((k << 1u) & 2u), f32(k & 2u));
  return vec4f(xy * 2.0 - 1.0, 0.0, 1.0);
}

@fragment
fn fs(@builtin(position) pos: vec4f) -> @location(0) vec4f {
  let g = (p.view * vec3f(pos.xy / p.viewport, 1.0)).xy;
  if (any(g < vec2f(0.0)) || any(g >= vec2f(1.0))) {
    return p.fill;
  }
  let size = textureDimensions(image);
  return textureLoad(image, min(vec2u(g * vec2f(size)), size - 1u), 0);
}
