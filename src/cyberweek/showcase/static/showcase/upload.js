// Uploads a contest video with tus-js-client (vendored from npm): in 4 MiB chunks (the
// server takes at most 6 MiB a request, as nginx does), with a
// progress bar; tus-js-client remembers the upload's address in localStorage, so choosing
// the same file again after a dropped connection or a reload resumes where it stopped.
(function () {
  "use strict";
  var box = document.getElementById("uploader");
  if (!box || !window.tus) { return; }
  var input = document.getElementById("video-file");
  var bar = document.getElementById("progress-bar");
  var progress = document.getElementById("progress");
  var message = document.getElementById("upload-message");
  var pause = document.getElementById("pause");
  var resume = document.getElementById("resume");
  var csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  var upload = null;

  function show(percent) {
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    progress.setAttribute("aria-valuenow", String(percent));
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var status = document.getElementById("status");
        status.innerHTML = html;
        var steps = status.querySelector("#steps");
        if (steps && steps.dataset.status === "checking") { window.setTimeout(poll, 2000); }
      });
  }

  function begin() {
    var file = input.files[0];
    if (!file) { return; }
    if (file.size > Number(box.dataset.maxBytes)) {
      message.textContent = box.dataset.msgTooLarge;
      return;
    }
    upload = new window.tus.Upload(file, {
      endpoint: box.dataset.endpoint,
      chunkSize: 4 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      metadata: { entry: box.dataset.entry, filename: file.name },
      headers: { "X-CSRFToken": csrf },
      // One stored address per entry and file, so another entry's upload never resumes here.
      fingerprint: function (f) {
        return Promise.resolve(["showcase", box.dataset.entry, f.name, f.size, f.lastModified].join("-"));
      },
      removeFingerprintOnSuccess: true,
      onProgress: function (sent, total) { show(Math.floor((sent / total) * 100)); },
      onError: function (error) {
        var text = (error.originalResponse && error.originalResponse.getBody()) || error.message;
        message.textContent = box.dataset.msgError + " " + text;
        pause.hidden = true;
        resume.hidden = false;
      },
      onSuccess: function () {
        show(100);
        message.textContent = box.dataset.msgDone;
        pause.hidden = true;
        resume.hidden = true;
        poll();
      },
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) {
        message.textContent = box.dataset.msgResume;
        upload.resumeFromPreviousUpload(previous[0]);
      }
      pause.hidden = false;
      upload.start();
    });
  }
  input.addEventListener("change", begin);
  // A file chosen while the page was still loading (a slow connection, or a quick hand)
  // fired its change event before this script listened: start it now rather than wait
  // for a second choice that never comes.
  if (input.files.length) { begin(); }
  box.dataset.ready = "true";
  pause.addEventListener("click", function () {
    if (upload) { upload.abort(); pause.hidden = true; resume.hidden = false; }
  });
  resume.addEventListener("click", function () {
    if (upload) { upload.start(); resume.hidden = true; pause.hidden = false; }
  });
})();
