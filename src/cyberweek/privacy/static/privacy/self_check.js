// The self-check's "Copy" button for the redacted copy. A file, not an inline script: the
// Content-Security-Policy allows no other. Without JavaScript the text can be selected by
// hand or downloaded, so the button only appears when it can work.
(function () {
  "use strict";
  var button = document.getElementById("copy-redacted");
  var copy = document.getElementById("redacted-copy");
  if (!button || !copy || !navigator.clipboard) return;
  button.classList.remove("d-none");
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(copy.value).then(function () {
      document.getElementById("copy-status").textContent = button.dataset.copied;
    });
  });
})();
