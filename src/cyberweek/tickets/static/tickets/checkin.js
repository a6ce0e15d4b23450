// The door's check-in page. Tickets are verified here with the public key (Ed25519 in
// WebCrypto), so a forged ticket is refused even offline; check-ins are queued in
// localStorage and sent in batches whenever the network is there. The server has the
// last word: it counts each ticket once and flags repeats.
(function () {
  "use strict";
  const root = document.getElementById("checkin");
  if (!root) return;
  const data = root.dataset;
  const offeringId = Number(data.offering);
  const queueKey = "cw-check-in-queue:" + offeringId;
  const seenKey = "cw-check-in-seen:" + offeringId;
  // Codes of tickets withdrawn after they were issued (cancelled, or the holder's account
  // deleted): a signature stays valid for ever, so offline this list is what refuses them.
  const withdrawnKey = "cw-check-in-withdrawn:" + offeringId;
  // Codes other devices at this event checked in, as the server last told: offline, a
  // ticket already let in at another door is caught as a repeat here too.
  const sharedKey = "cw-check-in-shared:" + offeringId;
  const $ = (id) => document.getElementById(id);
  let keyPromise = null;
  let syncing = false;

  function b64urlBytes(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = b64 + "===".slice((b64.length + 3) % 4);
    const binary = atob(padded);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }

  function load(key) {
    try {
      return JSON.parse(localStorage.getItem(key)) || [];
    } catch (error) {
      return [];
    }
  }

  function save(key, value) {
    localStorage.setItem(key, JSON.stringify(value));
  }

  function normaliseCode(text) {
    return text.toUpperCase().replace(/[^0-9A-Z]/g, "");
  }

  function show(kind, message, detail) {
    const verdict = $("verdict");
    verdict.className = "alert alert-" + kind;
    verdict.textContent = message;
    const item = document.createElement("li");
    item.className = "list-group-item list-group-item-" + kind;
    item.textContent = new Date().toLocaleTimeString() + " · " + message + (detail ? " (" + detail + ")" : "");
    $("log").prepend(item);
  }

  function publicKey() {
    if (!keyPromise) {
      keyPromise = crypto.subtle.importKey("raw", b64urlBytes(data.key), { name: "Ed25519" }, false, ["verify"]);
    }
    return keyPromise;
  }

  // What the ticket says, when its signature is ours; null when it is not.
  async function verifyTicket(text) {
    const parts = text.split(".");
    if (parts.length !== 3 || parts[0] !== "CW1") return { error: data.msgMalformed };
    let signature, claim;
    try {
      signature = b64urlBytes(parts[2]);
      claim = JSON.parse(new TextDecoder().decode(b64urlBytes(parts[1])));
    } catch (error) {
      return { error: data.msgMalformed };
    }
    if (!window.crypto || !crypto.subtle) return { claim: claim, unverified: true };
    try {
      const signed = new TextEncoder().encode(parts[0] + "." + parts[1]);
      const ok = await crypto.subtle.verify({ name: "Ed25519" }, await publicKey(), signature, signed);
      if (!ok) return { error: data.msgForged };
    } catch (error) {
      // A browser without Ed25519 in WebCrypto: the server verifies when it syncs.
      return { claim: claim, unverified: true };
    }
    return { claim: claim };
  }

  function enqueue(ticket) {
    const queue = load(queueKey);
    queue.push({
      ticket: ticket,
      scanned_at: new Date().toISOString(),
      client_id: Date.now().toString(36) + Math.random().toString(36).slice(2, 8),
    });
    save(queueKey, queue);
    $("count-pending").textContent = queue.length;
  }

  function isWithdrawn(code) {
    return load(withdrawnKey).includes(code);
  }

  async function handle(raw) {
    const text = (raw || "").trim();
    if (!text) return;
    if (text.startsWith("CW1.")) {
      const result = await verifyTicket(text);
      if (result.error) return show("danger", result.error);
      if (Number(result.claim.o) !== offeringId) return show("danger", data.msgWrongEvent);
      if (isWithdrawn(result.claim.t)) return show("danger", data.msgWithdrawn);
      const seen = load(seenKey);
      if (seen.includes(result.claim.t)) {
        enqueue(text); // the server records the repeat scan
        return show("warning", data.msgSeen);
      }
      if (load(sharedKey).includes(result.claim.t)) {
        enqueue(text);
        sync();
        return show("warning", data.msgSeenElsewhere);
      }
      seen.push(result.claim.t);
      save(seenKey, seen);
      enqueue(text);
      show("success", navigator.onLine ? data.msgOk : data.msgQueued, "×" + result.claim.s);
    } else {
      const code = normaliseCode(text);
      if (!code) return show("danger", data.msgMalformed);
      if (isWithdrawn(code)) return show("danger", data.msgWithdrawn);
      if (load(sharedKey).includes(code)) show("warning", data.msgSeenElsewhere);
      enqueue(code);
      if (!navigator.onLine) show("info", data.msgCodeQueued, code);
    }
    sync();
  }

  function showCounts(counts) {
    $("count-checked-in").textContent = counts.checked_in;
    $("count-confirmed").textContent = counts.confirmed;
    $("count-flagged").textContent = counts.flagged;
  }

  async function sync() {
    const queue = load(queueKey);
    $("count-pending").textContent = queue.length;
    if (syncing || !queue.length || !navigator.onLine) return;
    syncing = true;
    const batch = queue.slice(0, 200);
    try {
      const response = await fetch(data.syncUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": data.csrf,
          // The API answers in the language of the page, not of the browser.
          "Accept-Language": document.documentElement.lang,
        },
        body: JSON.stringify({ items: batch }),
      });
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        show("danger", problem.detail || response.statusText);
        if (response.status >= 400 && response.status < 500 && response.status !== 429) {
          // A refusal of the whole batch (scope, validation) will not pass on retry.
          save(queueKey, load(queueKey).slice(batch.length));
        }
        return;
      }
      const body = await response.json();
      save(queueKey, load(queueKey).slice(batch.length));
      const kinds = { ok: "success", duplicate: "warning" };
      // The server's verdict is the one that counts: show each, after the local one, with
      // the attendee's name when the event asked for one (the server logs that it showed it).
      body.results.forEach((result) => {
        const name = result.attendee_name ? " " + data.msgName + " " + result.attendee_name : "";
        show(kinds[result.outcome] || "danger", result.message + name);
      });
      showCounts(body.counts);
      // Every sync brings the revocation list and the other doors' check-ins up to date.
      keepDoorLists(body.withdrawn, body.checked_in);
    } catch (error) {
      // Offline or the server is unreachable: the queue stays for the next try.
    } finally {
      syncing = false;
      $("count-pending").textContent = load(queueKey).length;
    }
  }

  async function refreshCounts() {
    if (!navigator.onLine) return;
    try {
      const response = await fetch(data.countsUrl, { credentials: "same-origin" });
      if (response.ok) showCounts(await response.json());
    } catch (error) {
      // Keep the last figures until the network is back.
    }
  }

  function keepDoorLists(withdrawn, checkedIn) {
    // A withdrawn code never comes back: the list only grows.
    if (withdrawn) save(withdrawnKey, Array.from(new Set([...load(withdrawnKey), ...withdrawn])));
    if (checkedIn) save(sharedKey, checkedIn);
  }

  async function refreshWithdrawn() {
    if (!navigator.onLine) return;
    try {
      const response = await fetch(data.withdrawnUrl, { credentials: "same-origin" });
      if (response.ok) {
        const body = await response.json();
        keepDoorLists(body.codes, body.checked_in);
      }
    } catch (error) {
      // Keep the list this device already has until the network is back.
    }
  }

  function showNetwork() {
    const badge = $("network-state");
    badge.textContent = navigator.onLine ? data.msgOnline : data.msgOffline;
    badge.className = "badge " + (navigator.onLine ? "text-bg-success" : "text-bg-warning");
    if (navigator.onLine) {
      sync();
      refreshWithdrawn();
    }
  }

  // --- The camera ---------------------------------------------------------------------
  let stream = null;
  let lastText = "";
  let lastAt = 0;

  function scanFrame() {
    if (!stream) return;
    const video = $("camera");
    const canvas = $("frame");
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = window.jsQR && jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      const now = Date.now();
      // The same code stays in view for a while: handle it once every few seconds.
      if (found && found.data && (found.data !== lastText || now - lastAt > 4000)) {
        lastText = found.data;
        lastAt = now;
        handle(found.data);
      }
    }
    requestAnimationFrame(scanFrame);
  }

  async function toggleCamera() {
    const video = $("camera");
    if (stream) {
      stream.getTracks().forEach((track) => track.stop());
      stream = null;
      video.classList.add("d-none");
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (error) {
      show("secondary", data.msgNoCamera);
      return;
    }
    video.srcObject = stream;
    video.classList.remove("d-none");
    await video.play();
    requestAnimationFrame(scanFrame);
  }

  $("typed-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("typed-code");
    handle(input.value);
    input.value = "";
    input.focus();
  });
  $("camera-toggle").addEventListener("click", toggleCamera);
  window.addEventListener("online", showNetwork);
  window.addEventListener("offline", showNetwork);
  if ("serviceWorker" in navigator && data.workerUrl) {
    navigator.serviceWorker.register(data.workerUrl).catch(() => {});
  }
  // The list the page was served with joins the one kept here: a page the service worker
  // serves offline may be older than the list, and a withdrawn code never comes back.
  const served = (data.withdrawn || "").split(" ").filter(Boolean);
  save(withdrawnKey, Array.from(new Set([...load(withdrawnKey), ...served])));
  if (data.checkedIn) save(sharedKey, data.checkedIn.split(" ").filter(Boolean));
  showNetwork();
  sync();
  setInterval(() => {
    sync();
    refreshCounts();
  }, 5000);
  setInterval(refreshWithdrawn, 10000);
})();
