// Collapse Atlas offline support, so a talk survives a dead network: on install, cache the page and
// every file of the build (precache.json, written by the build); then answer from the network when
// it is there (a rebuilt bundle is picked up) and from the cache when it is not.
const kCache = 'collapse-atlas';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const files = await (await fetch('precache.json', { cache: 'no-store' })).json();
      await caches.delete(kCache);
      const cache = await caches.open(kCache);
      await cache.addAll(['./', ...files]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      try {
        const response = await fetch(request);
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(kCache).then((cache) => cache.put(request, copy)));
        }
        return response;
      } catch (offline) {
        // Any URL of the page (?model=…&present=…) is the same document; ignoreVary because the
        // server's `Vary: Origin` would otherwise keep a module script from matching its precached copy.
        const hit = await caches.match(request, { ignoreSearch: request.mode === 'navigate', ignoreVary: true });
        if (hit) return hit;
        throw offline;
      }
    })(),
  );
});
