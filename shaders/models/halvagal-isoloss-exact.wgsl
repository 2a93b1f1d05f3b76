// The exact expectation of halvagal-isoloss's cosine updates (X7/X8 of shared/science/halvagal-isoloss.md
// §8.1), the f32 twin of cosineExpectations in src/models/halvagal-isoloss-exact.ts (keep the two term
// for term): T1_m = E[a_m c_m / (‖p‖‖z2‖)] and T2_m = E[(pᵀz2) a_m² / (‖p‖³‖z2‖)] as one 2-D integral
// shared by all modes, by the trapezoid rule in w after x = sinh(w)/Np, y = sinh(w')/Nz.
// Needs `kModes` (prepended with the model) and kQuadratureStep (generated from the TS constant).

alias ModeArray = array<f32, kModes>;

struct CosineTerms {
  t1: ModeArray,
  t2: ModeArray,
}

// ½ ln(Σc / min c) + margin: beyond it the integrand falls like e^{−(M+1)w} and is below f32 rounding.
fn quadratureRange(c: ModeArray) -> f32 {
  var sum = 0.0;
  var least = 3.0e38;
  for (var k = 0u; k < kModes; k++) {
    sum += c[k];
    if (c[k] > 0.0) {
      least = min(least, c[k]);
    }
  }
  return 0.5 * log(sum / least) + select(4.5, 7.5, kModes == 1u);
}

fn cosineExpectations(u: ModeArray, v: ModeArray, lambda: ModeArray, s11: f32, s21: f32, s22: f32) -> CosineTerms {
  let delta = s11 * s22 - s21 * s21;
  var a: ModeArray;
  var b: ModeArray;
  var g: ModeArray;
  var sumA = 0.0;
  var sumB = 0.0;
  for (var k = 0u; k < kModes; k++) {
    a[k] = lambda[k] * lambda[k] * u[k] * u[k];
    b[k] = v[k] * v[k];
    g[k] = lambda[k] * u[k] * v[k];
    sumA += a[k];
    sumB += b[k];
  }
  let np = sqrt(s11 * sumA);
  let nz = sqrt(s22 * sumB);
  let nx = u32(floor(quadratureRange(a) / kQuadratureStep)) + 1u;
  let ny = u32(floor(quadratureRange(b) / kQuadratureStep)) + 1u;
  var out: CosineTerms;
  var d: ModeArray;
  for (var i = 0u; i < nx; i++) {
    let wx = f32(i) * kQuadratureStep;
    let x = sinh(wx) / np;
    let x2 = x * x;
    let weightX = kQuadratureStep * cosh(wx) * select(1.0, 0.5, i == 0u);
    for (var j = 0u; j < ny; j++) {
      let wy = f32(j) * kQuadratureStep;
      let y = sinh(wy) / nz;
      let y2 = y * y;
      // G = Π d_k^{−1/2} as one exponential of a sum of logs: the product underflows for large M.
      var logG = 0.0;
      var gammaX = 0.0;
      for (var k = 0u; k < kModes; k++) {
        d[k] = 1.0 + 2.0 * s11 * a[k] * x2 + 2.0 * s22 * b[k] * y2 + 4.0 * delta * a[k] * b[k] * x2 * y2;
        logG -= 0.5 * log(d[k]);
        gammaX += g[k] * s21 / d[k];
      }
      let w = weightX * kQuadratureStep * cosh(wy) * select(1.0, 0.5, j == 0u) * exp(logG);
      for (var k = 0u; k < kModes; k++) {
        let xk = s21 / d[k];
        let pk = (s11 + 2.0 * delta * b[k] * y2) / d[k];
        out.t1[k] += w * xk;
        out.t2[k] += w * x2 * pk * (gammaX + 2.0 * g[k] * xk);
      }
    }
  }
  // dx dy = (dw/Np)(dw'/Nz), the prefactors 4/π and 8/π; then T2 rescaled so that Σγ T1 = Σα T2,
  // the identity that conserves Σf (cosine) and Σλf (IsoLoss-cosine) at wd = 0.
  let scale = 1.0 / (np * nz);
  var sumGammaT1 = 0.0;
  var sumAlphaT2 = 0.0;
  for (var k = 0u; k < kModes; k++) {
    out.t1[k] *= 1.2732395447351628 * scale;
    out.t2[k] *= 2.5464790894703255 * scale;
    sumGammaT1 += g[k] * out.t1[k];
    sumAlphaT2 += a[k] * out.t2[k];
  }
  if (sumAlphaT2 != 0.0) {
    for (var k = 0u; k < kModes; k++) {
      out.t2[k] *= sumGammaT1 / sumAlphaT2;
    }
  }
  return out;
}
