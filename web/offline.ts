/**
 * Registers web/public/sw.js in a built page, so the explorer reloads offline once it has been
 * opened (presentation mode at a talk). Not in `vite dev`: a cache there would serve stale modules.
 */
export function registerOffline(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('./sw.js').catch((e: Error) => console.warn(`offline support unavailable: ${e.message}`));
}
