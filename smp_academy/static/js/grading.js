// Grading: place pins, drop new ones, add up the rubric, insert reusable comments, and the
// "n" shortcut for the next submission. Everything also works (minus pins) without it.
(function () {
  "use strict";

  function place(pin) {
    pin.style.left = (Number(pin.dataset.x) * 100) + "%";
    pin.style.top = (Number(pin.dataset.y) * 100) + "%";
  }
  document.querySelectorAll(".pin").forEach(place);

  const nextForm = document.getElementById("next-form");
  document.addEventListener("keydown", (event) => {
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
    if (nextForm && !typing && event.key === "n" && !event.ctrlKey && !event.metaKey && !event.altKey) {
      nextForm.submit();
    }
  });

  const form = document.getElementById("grade-form");
  if (!form) return;

  // Rubric total and verdict.
  const total = document.getElementById("rubric-total");
  const verdict = document.getElementById("rubric-verdict");
  const criteria = Array.from(form.querySelectorAll("fieldset.criterion"));
  function addUp() {
    let sum = 0, complete = true;
    criteria.forEach((fs) => {
      const chosen = fs.querySelector("input:checked");
      if (chosen) sum += Number(chosen.dataset.points); else complete = false;
    });
    total.textContent = String(sum);
    verdict.textContent = complete ? "" : "choose a level for every criterion";
  }
  form.addEventListener("change", addUp);
  addUp();

  // Reusable comments.
  const feedback = document.getElementById("feedback");
  document.querySelectorAll(".insert-comment").forEach((button) => {
    button.addEventListener("click", () => {
      feedback.value = (feedback.value ? feedback.value.replace(/\s*$/, "\n") : "") + button.dataset.text;
      feedback.focus();
    });
  });

  // Pins: click a photo to drop a numbered note.
  const inputs = document.getElementById("pin-inputs");
  const list = document.getElementById("pin-list");
  let count = 0;
  document.querySelectorAll(".pin-editor .pin-surface").forEach((surface) => {
    surface.addEventListener("click", (event) => {
      if (event.target.classList.contains("pin")) return;
      const box = surface.getBoundingClientRect();
      const x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
      const y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
      const note = window.prompt("Note for pin " + (count + 1) + ":");
      if (!note) return;
      count += 1;
      const photo = surface.closest("figure").dataset.photoId;
      const values = { photo: photo, x: x.toFixed(4), y: y.toFixed(4), note: note };
      Object.entries(values).forEach(([name, value]) => {
        const input = document.createElement("input");
        input.type = "hidden"; input.name = "pin-" + count + "-" + name; input.value = value;
        inputs.appendChild(input);
      });
      const pin = document.createElement("span");
      pin.className = "pin pin-new"; pin.textContent = String(count); pin.title = note;
      pin.dataset.x = x; pin.dataset.y = y; place(pin);
      surface.appendChild(pin);
      const item = document.createElement("li");
      item.value = count; item.textContent = note;
      list.appendChild(item);
    });
  });
})();
