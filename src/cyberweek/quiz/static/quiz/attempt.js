// The attempt page's countdown. It counts down from the server's remaining seconds, so a
// wrong clock on this device does not matter; the server refuses late answers whatever
// this shows. A file, not an inline script: the Content-Security-Policy allows no other.
(function () {
  "use strict";
  var el = document.getElementById("countdown");
  if (!el) return;
  var end = Date.now() + parseInt(el.dataset.remaining, 10) * 1000;
  var timer;
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    el.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    if (left === 0) {
      clearInterval(timer);
      // Time is up: submit as it stands, without the question about blank answers.
      var form = document.getElementById("submit-form");
      var confirmed = document.createElement("input");
      confirmed.type = "hidden"; confirmed.name = "confirmed"; confirmed.value = "1";
      form.appendChild(confirmed);
      form.submit();
    }
  }
  timer = setInterval(tick, 1000);
  tick();
})();
