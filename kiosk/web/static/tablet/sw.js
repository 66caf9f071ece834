/* The tablet's service worker (served as /sw.js, scope "/"): keeps a copy of the tablet page
   and its assets so that a reload with the server down still shows the rating screen, and
   the outbox (localStorage) keeps the ratings until the server is back.

   Network first: whenever the server answers, the tablet gets the current page (settings,
   questionnaire, enrolment); the copy is used only when the network fails. Only the page "/"
   and /static/ GETs are touched; ratings, state polls and every staff page go straight
   to the network. Browsers allow service workers on HTTPS and localhost only. */

const CACHE = "hailong-tablet-v1";
const ASSETS = ["/", "/static/tablet/tablet.css", "/static/tablet/main.js", "/static/tablet/flow.js",
                "/static/tablet/machine.js", "/static/tablet/outbox.js", "/static/tablet/screens.js",
                "/static/tablet/voice.js", "/static/tablet/followups.js", "/static/conditions.js"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE)
    .then((cache) => Promise.all(ASSETS.map((url) => cache.add(new Request(url, { credentials: "same-origin" }))
      .catch(() => null))))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

function ours(request) {
  if (request.method !== "GET") return false;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return false;
  return url.pathname === "/" || url.pathname.indexOf("/static/") === 0;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (!ours(request)) return;
  const key = new URL(request.url).pathname === "/" ? "/" : request.url.split("?")[0];
  event.respondWith(fetch(request).then((response) => {
    // keep only the tablet page itself (enrolled or not) and good assets
    if (response.ok && response.type === "basic") {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(key, copy));
    }
    return response;
  }).catch(() => caches.match(key).then((hit) => hit || Response.error())));
});
