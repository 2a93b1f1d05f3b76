import { startExplorer } from '/work/wt/explorer/tests/support/browser.js';
const { url, server, browser } = await startExplorer();
const page = await browser.newPage();
await page.setViewport({ width: 1300, height: 900 });
page.on('console', (m) => console.log('console', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror', String(e)));
const q = process.argv[2] ?? '?model=tian-l2&preset=weight-decay-threshold&n=48&tEnd=300';
const t0 = Date.now();
await page.goto(url + q);
if (process.env.NOPAINT) await page.evaluate(() => { (document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-heatmap') as any).paint = () => {}; });
for (let k = 0; k < 12; k++) {
  await new Promise((r) => setTimeout(r, 1000));
  const st = await page.evaluate(() => { const r = (window as any).__atlas?.sweep?.run; return r && `${r.phase} t=${r.t} v=${r.version} settled=${r.settled}`; });
  console.log(k, st);
  if (st?.startsWith('done')) break;
}
console.log('ms', Date.now() - t0);
console.log(await page.evaluate(async () => {
  const h = document.querySelector('atlas-explorer')!.shadowRoot!.querySelector('atlas-heatmap') as any;
  delete h.paint;
  const dev = (window as any).__atlas.sweep.run.device as GPUDevice;
  const out = [];
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    h.paint();
    const t1 = performance.now();
    await dev.queue.onSubmittedWorkDone();
    const t2 = performance.now();
    await new Promise((r) => requestAnimationFrame(r));
    out.push([t1 - t, t2 - t, performance.now() - t].map((v) => v.toFixed(1)).join('/'));
  }
  return out.join(' ');
}));
const text = await page.evaluate(() => document.querySelector('atlas-explorer')!.shadowRoot!.textContent!.replace(/\s+/g, ' ').slice(0, 1500));
console.log(text);
console.log(await page.evaluate(() => location.search));
await page.screenshot({ path: '/work/wt/explorer/test-artifacts/explorer/probe.png' });
await browser.close(); await server.close();
