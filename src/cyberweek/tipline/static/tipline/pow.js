// The tip line's proof-of-work (see tipline/proof_of_work.py): before the report form is
// sent, fetch a signed challenge and find a nonce whose SHA-256 ("challenge:nonce") starts
// with `bits` zero bits, using WebCrypto. No third-party service is involved.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var status = document.getElementById("pow-status");
  var solved = false;

  function leadingZeroBits(bytes) {
    var count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { count += 8; continue; }
      var b = bytes[i];
      while ((b & 0x80) === 0) { count += 1; b <<= 1; }
      return count;
    }
    return count;
  }

  async function solve(challenge, bits) {
    var encoder = new TextEncoder();
    for (var nonce = 0; ; nonce++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + nonce));
      if (leadingZeroBits(new Uint8Array(digest)) >= bits) { return String(nonce); }
    }
  }

  form.addEventListener("submit", async function (event) {
    if (solved) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    status.textContent = status.dataset.working;
    try {
      var response = await fetch(form.dataset.challengeUrl, { credentials: "same-origin" });
      var issued = await response.json();
      form.querySelector("[name=pow_challenge]").value = issued.challenge;
      form.querySelector("[name=pow_nonce]").value = await solve(issued.challenge, issued.bits);
      solved = true;
      form.submit();
    } catch (error) {
      status.textContent = status.dataset.failed;
      button.disabled = false;
    }
  });
})();
