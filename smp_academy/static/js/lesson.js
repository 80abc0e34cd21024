// Marks a lesson complete when the reader reaches its end (the explicit button still works).
(function () {
  "use strict";
  const form = document.getElementById("progress-form");
  const end = document.getElementById("lesson-end");
  if (!form || !end || form.dataset.done === "1" || !("IntersectionObserver" in window)) return;
  let sent = false;
  const observer = new IntersectionObserver((entries) => {
    if (sent || !entries.some((entry) => entry.isIntersecting)) return;
    sent = true;
    observer.disconnect();
    const body = new FormData(form);
    body.delete("then");
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
      .then(() => {
        const status = document.getElementById("lesson-status");
        if (status) status.textContent = "Completed — you reached the end of the lesson.";
      })
      .catch(() => { sent = false; });
  });
  // Only count a reader who scrolled: a short lesson seen at once is not "read".
  window.addEventListener("scroll", function start() {
    window.removeEventListener("scroll", start);
    observer.observe(end);
  }, { passive: true });
})();
