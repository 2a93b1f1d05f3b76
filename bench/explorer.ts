/**
 * `npm run bench:explorer`: the built explorer in headless Chromium. After a warm-up sweep, changes
 * a control (σ²) and times, from the change event: the first frame painted from the new sweep's GPU
 * grid (coarse pass), the coarse pass finished, and the final n × n frame; and the longest main-thread
 * task (PerformanceObserver 'longtask', ≥ 50 ms) while the sweep ran. Prints figures; asserts nothing.
 *
 *   npm run bench:explorer -- --n=128 --tEnd=21200 --repeats=3   (the default view: P1 as the page opens)
 */
import { startExplorer } from '../tests/support/browser.js';
import { deep, waitDone } from '../tests/support/explorer-page.js';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const n = arg('n', 256);
const tEnd = arg('tEnd', 300);
const repeats = arg('repeats', 3);

const { url, server, browser } = await startExplorer();
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1300, height: 900 });
  page.on('console', (m) => m.type() === 'info' && console.log(m.text()));
  await page.goto(`${url}?model=tian-l2&preset=weight-decay-threshold&n=${n}&tEnd=${tEnd}&overlays=off`);
  let runId = await waitDone(page); // warm-up: pipelines compiled, device open
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => {
        w.__longTasks.push(e.duration);
      }),
    ).observe({ type: 'longtask', buffered: false });
  });
  const rows: Array<{ firstFrame: number; coarseDone: number; fullFrame: number; longest: number; longTasks: number; mStepsPerS: number }> =
    [];
  for (let k = 0; k < repeats; k++) {
    const field = await deep(page, 'atlas-controls', '[name="augmentation"]');
    await field.evaluate(
      (e, v) => {
        const w = window as unknown as { __t0: number; __longTasks: number[] };
        w.__longTasks.length = 0;
        (e as HTMLInputElement).value = v;
        w.__t0 = performance.now();
        e.dispatchEvent(new Event('change', { bubbles: true }));
      },
      String(0.25 * (k + 1)),
    );
    runId = await waitDone(page, runId);
    rows.push(
      await page.evaluate(() => {
        type Run = { timeline: Record<string, number>; result: { timings: { ms: number; instanceSteps: number } } };
        const w = window as unknown as { __t0: number; __longTasks: number[]; __atlas: { sweep: { run: Run } } };
        const { timeline: t, result } = w.__atlas.sweep.run;
        // Throughput of the full-grid pass alone, comparable with `npm run bench`.
        const mStepsPerS = result.timings.instanceSteps / result.timings.ms / 1e3;
        return {
          firstFrame: t.firstFrameAt - w.__t0,
          coarseDone: t.coarseDoneAt - w.__t0,
          fullFrame: t.fullFrameAt - w.__t0,
          longest: Math.max(0, ...w.__longTasks),
          longTasks: w.__longTasks.length,
          mStepsPerS,
        };
      }),
    );
  }
  const median = (key: keyof (typeof rows)[number]) => rows.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(rows.length / 2)];
  console.log(
    `explorer, tian-l2 weight-decay-threshold, ${n}×${n} cells, t_end = ${tEnd} with the preset's integrator and early exit, coarse pass 32×32; ${repeats} control changes`,
  );
  console.table(rows.map((r) => Object.fromEntries(Object.entries(r).map(([key, v]) => [key, Number(v.toPrecision(3))]))));
  console.log(
    `median: change → first coarse frame ${median('firstFrame').toFixed(0)} ms (target 100), coarse pass done ${median('coarseDone').toFixed(0)} ms, full ${n}×${n} frame ${median('fullFrame').toFixed(0)} ms (target 3000); longest main-thread task ${median('longest').toFixed(0)} ms (0 = none ≥ 50 ms); full pass ${median('mStepsPerS').toFixed(1)} M instance-steps/s`,
  );
} finally {
  await browser.close();
  await server.close();
}
