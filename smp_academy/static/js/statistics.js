// Quiz statistics: draw each option's share as a bar (its width cannot be an inline style
// under the page's Content-Security-Policy, so it is set here from data-share).
(function () {
  "use strict";
  document.querySelectorAll(".option-bar [data-share]").forEach((bar) => {
    bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.share))) + "%";
  });
})();
