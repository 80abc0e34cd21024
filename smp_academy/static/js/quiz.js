// Quiz autosave: every answer is posted as it is given; the page also works without this.
(function () {
  "use strict";
  const form = document.getElementById("attempt-form");
  if (!form) return;
  const url = form.dataset.autosaveUrl;
  const csrf = form.querySelector("input[name=csrf_token]").value;
  const state = document.getElementById("autosave-state");
  const pending = new Map();

  function checkedValues(fieldset) {
    return Array.from(fieldset.querySelectorAll("input:checked")).map((i) => i.value);
  }

  // Builds the JSON answer of one question; undefined means "not ready to save yet".
  const readers = {
    single: (fs) => { const v = checkedValues(fs)[0]; return v === undefined ? null : { choice: Number(v) }; },
    image_choice: (fs) => readers.single(fs),
    multiple: (fs) => ({ choices: checkedValues(fs).map(Number) }),
    true_false: (fs) => { const v = checkedValues(fs)[0]; return v === undefined ? null : { value: v === "true" }; },
    numeric: (fs) => {
      const text = fs.querySelector("input").value.trim().replace(",", ".");
      if (text === "") return null;
      const value = Number(text);
      return Number.isFinite(value) ? { value: value } : undefined;
    },
    ordering: (fs) => {
      const rows = Array.from(fs.querySelectorAll("select"));
      if (rows.every((s) => s.value === "")) return null;
      if (rows.some((s) => s.value === "")) return undefined;
      const positions = new Set(rows.map((s) => s.value));
      if (positions.size !== rows.length) return undefined;
      rows.sort((a, b) => Number(a.value) - Number(b.value));
      return { order: rows.map((s) => Number(s.dataset.item)) };
    },
    matching: (fs) => {
      const pairs = {};
      fs.querySelectorAll("select").forEach((s) => { if (s.value !== "") pairs[s.dataset.left] = Number(s.value); });
      return pairs;
    },
  };

  function say(fieldset, text) {
    fieldset.querySelector(".save-status").textContent = text;
  }

  async function save(fieldset) {
    const answer = readers[fieldset.dataset.type](fieldset);
    if (answer === undefined) { say(fieldset, "Finish this answer to save it."); return; }
    const body = JSON.stringify({ slot: Number(fieldset.dataset.slot), answer: fieldset.dataset.type === "matching" ? { pairs: answer } : answer });
    say(fieldset, "Saving…");
    try {
      const response = await fetch(url, {
        method: "POST", credentials: "same-origin", body: body,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      });
      const data = await response.json().catch(() => ({}));
      if (response.ok) {
        say(fieldset, "Saved " + new Date().toLocaleTimeString());
        pending.delete(fieldset);
      } else if (response.status === 409) {
        say(fieldset, data.error || "This attempt is closed.");
        window.location.reload();
      } else {
        say(fieldset, data.error || "Not saved.");
      }
    } catch (err) {
      pending.set(fieldset, true);
      say(fieldset, "Offline: your answer will be saved when the connection returns.");
    }
  }

  form.addEventListener("change", (event) => {
    const fieldset = event.target.closest("fieldset.question");
    if (fieldset) save(fieldset);
  });
  window.addEventListener("online", () => { pending.forEach((_, fs) => save(fs)); });
  setInterval(() => { if (navigator.onLine) pending.forEach((_, fs) => save(fs)); }, 15000);

  const submit = document.getElementById("submit-attempt");
  if (submit) {
    submit.addEventListener("click", (event) => {
      if (!window.confirm("Submit your answers for grading? You cannot change them afterwards.")) event.preventDefault();
    });
  }

  const timer = document.getElementById("time-left");
  if (timer) {
    const deadline = new Date(timer.dataset.deadline).getTime();
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      timer.textContent = Math.floor(left / 60) + " min " + String(left % 60).padStart(2, "0") + " s";
      if (left === 0) {
        clearInterval(handle);
        const action = document.createElement("input");
        action.type = "hidden"; action.name = "action"; action.value = "submit";
        form.appendChild(action);
        form.submit();
      }
    };
    const handle = setInterval(tick, 1000);
    tick();
  }
  if (state) state.textContent = "Answers are saved automatically as you answer.";
})();
