// Peak-arithmetic reference for `npm run bench`: eight independent vec4 multiply-add chains per
// invocation (enough to hide latency), written as a * b + c (SwiftShader emulates the fma() builtin
// slowly). Each lane of each chain step is 2 flops.
override kWorkgroupSize: u32 = 64;
override kIterations: u32 = 1024;

@group(0) @binding(0) var<storage, read_write> sink: array<f32>;

@compute @workgroup_size(kWorkgroupSize)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let cell = gid.x + gid.y * groups.x * kWorkgroupSize;
  let seed = f32(cell & 1023u) * 1.0e-3;
  var a = vec4f(seed, seed + 0.1, seed + 0.2, seed + 0.3);
  var b = a + 0.4;
  var c = a + 0.8;
  var d = a + 1.2;
  var e = a + 1.6;
  var f = a + 2.0;
  var g = a + 2.4;
  var h = a + 2.8;
  let m = vec4f(0.999);
  let k = vec4f(1.0e-3);
  for (var i = 0u; i < kIterations; i++) {
    a = a * m + k;
    b = b * m + k;
    c = c * m + k;
    d = d * m + k;
    e = e * m + k;
    f = f * m + k;
    g = g * m + k;
    h = h * m + k;
  }
  sink[cell] = dot(a + b + c + d, e + f + g + h);
}
