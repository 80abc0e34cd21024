// Quiz autosave: every answer is posted as it is given; the page also works without this.
(function () {
  "use strict";
  const form = document.getElementById("attempt-form");
  if (!form) return;
  const url = form.dataset.autosaveUrl;
  const csrf = form.querySelector("input[name=csrf_token]").value;
  const state = document.getElementById("autosave-state");
  const pending = new Map();
  // Answers not yet acknowledged by the server survive a lost session, a lost connection or a
  // closed tab here, and are sent again when this page is opened signed in.
  const storeKey = "smp-unsaved:" + url;
  const unsaved = JSON.parse(localStorage.getItem(storeKey) || "{}");
  const keep = () => {
    if (Object.keys(unsaved).length) localStorage.setItem(storeKey, JSON.stringify(unsaved));
    else localStorage.removeItem(storeKey);
  };

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

  function signedOut() {
    const banner = document.getElementById("session-ended");
    if (banner) banner.hidden = false;
  }

  // Sends one answer; true when the server acknowledged it (only then is it forgotten here).
  async function send(slot, answer) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin", redirect: "error",
      body: JSON.stringify({ slot: slot, answer: answer }),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
    });
    const data = await response.json().catch(() => ({}));
    return { ok: response.ok && data.saved === true, status: response.status, error: data.error };
  }

  async function save(fieldset) {
    const raw = readers[fieldset.dataset.type](fieldset);
    if (raw === undefined) { say(fieldset, "Finish this answer to save it."); return; }
    const slot = Number(fieldset.dataset.slot);
    const answer = fieldset.dataset.type === "matching" ? { pairs: raw } : raw;
    unsaved[slot] = answer; keep();
    say(fieldset, "Saving…");
    try {
      const result = await send(slot, answer);
      if (result.ok) {
        delete unsaved[slot]; keep();
        say(fieldset, "Saved " + new Date().toLocaleTimeString());
        pending.delete(fieldset);
      } else if (result.status === 401 || result.status === 403) {
        say(fieldset, "Not saved yet: kept on this device until you sign in again.");
        signedOut();
      } else if (result.status === 409) {
        delete unsaved[slot]; keep();
        say(fieldset, result.error || "This attempt is closed.");
        window.location.reload();
      } else {
        say(fieldset, result.error || "Not saved.");
      }
    } catch (err) {
      pending.set(fieldset, true);
      say(fieldset, "Not saved yet: kept on this device until the connection returns.");
    }
  }

  // Answers kept from a session that ended (or a closed tab) are sent now; then the page is
  // shown again from what the server holds.
  async function resume() {
    const slots = Object.keys(unsaved);
    if (!slots.length) return;
    let sent = 0;
    for (const slot of slots) {
      try {
        const result = await send(Number(slot), unsaved[slot]);
        if (result.ok || result.status === 409 || result.status === 400) { delete unsaved[slot]; sent += result.ok; }
        else if (result.status === 401 || result.status === 403) { signedOut(); return; }
      } catch (err) { return; }
    }
    keep();
    if (sent) window.location.reload();
  }
  resume();

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
