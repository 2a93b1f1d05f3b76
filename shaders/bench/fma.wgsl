// Peak-arithmetic reference for `npm run bench`: eight independent multiply-add chains per invocation,
// written as a * b + c (SwiftShader emulates the fma() builtin slowly). Each chain step is 2 flops.
override kWorkgroupSize: u32 = 64;
override kIterations: u32 = 1024;

@group(0) @binding(0) var<storage, read_write> sink: array<f32>;

@compute @workgroup_size(kWorkgroupSize)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let cell = gid.x + gid.y * groups.x * kWorkgroupSize;
  let seed = f32(cell & 1023u) * 1.0e-3;
  var a = vec4f(seed, seed + 0.1, seed + 0.2, seed + 0.3);
  var b = vec4f(seed + 0.4, seed + 0.5, seed + 0.6, seed + 0.7);
  let m = vec4f(0.999);
  let c = vec4f(1.0e-3);
  for (var i = 0u; i < kIterations; i++) {
    a = a * m + c;
    b = b * m + c;
  }
  sink[cell] = dot(a, b);
}
