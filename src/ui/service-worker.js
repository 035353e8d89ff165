// The lab's service worker (the build writes it to sw.js, with VERSION and ASSETS above this
// line): after one visit the page works offline, since everything runs in the browser.
// Pages are fetched from the network first (revalidated, so a new build shows on the next load)
// and, offline, the page of this worker's build comes from the cache; the built files, whose
// names carry their content hash, from the cache. A new build has a new VERSION, so the browser's byte-for-byte check of sw.js on
// each load installs it; it caches the new files and drops the old cache.
/* global VERSION, ASSETS */
const CACHE = `persistence-lab-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(ASSETS.map((asset) => new Request(asset, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith('persistence-lab-') && key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      (async () => {
        try {
          return await fetch(request, { cache: 'no-cache' });
        } catch {
          // The page of this worker's own build, cached with the files it names.
          const page = await caches.match(new URL('./', self.location.href).href, { cacheName: CACHE });
          return page ?? Response.error();
        }
      })(),
    );
    return;
  }
  event.respondWith(
    (async () => {
      const hit = await caches.match(request, { cacheName: CACHE, ignoreSearch: true });
      return hit ?? fetch(request);
    })(),
  );
});
