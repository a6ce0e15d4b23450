// Tells the server the video was started: a vote without a play is a fraud signal.
(function () {
  "use strict";
  var player = document.getElementById("player");
  if (!player) { return; }
  var csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  var told = false;
  player.addEventListener("play", function () {
    if (told || !csrf) { return; }
    told = true;
    fetch(player.dataset.playedUrl, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf },
    });
  });
})();
