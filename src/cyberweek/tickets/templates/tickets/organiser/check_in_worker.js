{% load static %}// Keeps the check-in page loadable without a network: the page is fetched from the
// network when possible and from this cache when not; the API is never cached.
const CACHE = "cw-check-in-v1:{{ page|escapejs }}";
const PAGE = "{{ page|escapejs }}";
const ASSETS = [
  PAGE,
  "{% static 'vendor/bootstrap/bootstrap.min.css' %}",
  "{% static 'cyberweek/site.css' %}",
  "{% static 'vendor/bootstrap/bootstrap.bundle.min.js' %}",
  "{% static 'vendor/htmx/htmx.min.js' %}",
  "{% static 'vendor/jsqr/jsQR.js' %}",
  "{% static 'tickets/checkin.js' %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.pathname.startsWith("/api/")) return;
  if (url.pathname === PAGE) {
    event.respondWith(
      fetch(event.request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(PAGE, copy));
          }
          return response;
        })
        .catch(() => caches.match(PAGE)),
    );
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(event.request)));
  }
});
