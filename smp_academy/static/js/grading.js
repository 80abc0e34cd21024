// Grading: the photo viewer (zoom, pan, photo or dot overlay), pins (drop, carry over, remove),
// the rubric total, reusable comments, and keyboard shortcuts for levels and "next". The page
// works without it (all photos shown, pins kept as they were, the form posts as it is).
(function () {
  "use strict";

  const MIN_ZOOM = 1, MAX_ZOOM = 8, STEP = 1.25, DRAG_PX = 4;

  function isTyping(element) {
    if (!element) return false;
    if (element.isContentEditable || ["TEXTAREA", "SELECT"].includes(element.tagName)) return true;
    return element.tagName === "INPUT" && !["radio", "checkbox", "button", "submit"].includes(element.type);
  }

  function place(pin) {
    pin.style.left = (Number(pin.dataset.x) * 100) + "%";
    pin.style.top = (Number(pin.dataset.y) * 100) + "%";
  }
  document.querySelectorAll(".pin").forEach(place);

  // The queue page: "n" claims the next submission.
  const nextForm = document.getElementById("next-form");

  // ------------------------------------------------------------------ the photo viewer
  const viewer = document.querySelector(".viewer");
  const figures = viewer ? Array.from(viewer.querySelectorAll(".viewer-photo")) : [];
  let current = 0, showOverlay = false;
  const zoomLabel = viewer && viewer.querySelector(".zoom-level");

  function makeView(figure) {
    const viewport = figure.querySelector(".viewport");
    const stage = figure.querySelector(".stage");
    const view = { figure, viewport, stage, img: stage.querySelector("img"), scale: 1, x: 0, y: 0 };
    // At zoom 1 the whole photo fits the viewport; the stage is exactly the photo's size, so
    // pins (in % of the stage) sit on the same spot at every zoom.
    view.layout = function () {
      const width = view.img.naturalWidth || Number(view.img.getAttribute("width")) || 1;
      const height = view.img.naturalHeight || Number(view.img.getAttribute("height")) || 1;
      const fit = Math.min(viewport.clientWidth / width, viewport.clientHeight / height);
      view.img.style.width = Math.floor(width * fit) + "px";
      view.img.style.height = Math.floor(height * fit) + "px";
      view.apply();
    };
    view.apply = function () {
      const maxX = 0, minX = viewport.clientWidth - stage.offsetWidth * view.scale;
      const maxY = 0, minY = viewport.clientHeight - stage.offsetHeight * view.scale;
      view.x = minX > maxX ? minX / 2 : Math.min(maxX, Math.max(minX, view.x));
      view.y = minY > maxY ? minY / 2 : Math.min(maxY, Math.max(minY, view.y));
      stage.style.transform = "translate(" + view.x + "px, " + view.y + "px) scale(" + view.scale + ")";
      stage.style.setProperty("--pin-scale", String(1 / view.scale));
      if (zoomLabel && figure === figures[current]) {
        zoomLabel.textContent = view.scale === 1 ? "Fit" : Math.round(view.scale * 100) + " %";
      }
    };
    view.zoom = function (factor, cx, cy) {
      const scale = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.scale * factor));
      const px = cx === undefined ? viewport.clientWidth / 2 : cx;
      const py = cy === undefined ? viewport.clientHeight / 2 : cy;
      view.x = px - (px - view.x) * (scale / view.scale);
      view.y = py - (py - view.y) * (scale / view.scale);
      view.scale = scale;
      view.apply();
    };
    view.fit = function () { view.scale = 1; view.x = 0; view.y = 0; view.apply(); };
    return view;
  }
  const views = figures.map(makeView);

  function show(index) {
    if (!views.length) return;
    current = (index + views.length) % views.length;
    figures.forEach((figure, i) => { figure.hidden = i !== current; });
    viewer.querySelectorAll("[data-show-photo]").forEach((button) => {
      button.setAttribute("aria-pressed", String(Number(button.dataset.showPhoto) === current));
    });
    views[current].layout();
  }

  function setOverlay(on) {
    showOverlay = on;
    figures.forEach((figure) => {
      const img = figure.querySelector(".stage img");
      const url = on && figure.dataset.overlay ? figure.dataset.overlay : figure.dataset.full;
      if (img.getAttribute("src") !== url) img.setAttribute("src", url);
      figure.classList.toggle("showing-overlay", on && Boolean(figure.dataset.overlay));
    });
    const button = viewer.querySelector("[data-toggle-overlay]");
    if (button) button.setAttribute("aria-pressed", String(on));
    views.forEach((view) => { view.scale = 1; view.x = 0; view.y = 0; });
  }

  if (viewer && views.length) {
    viewer.classList.add("is-enhanced");
    viewer.querySelector(".viewer-toolbar").hidden = false;
    viewer.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button) return;
      if (button.dataset.showPhoto !== undefined) show(Number(button.dataset.showPhoto));
      if (button.dataset.zoom === "in") views[current].zoom(STEP);
      if (button.dataset.zoom === "out") views[current].zoom(1 / STEP);
      if (button.dataset.zoom === "fit") views[current].fit();
      if (button.hasAttribute("data-toggle-overlay")) setOverlay(!showOverlay);
    });
    views.forEach((view) => {
      view.img.addEventListener("load", () => view.layout());
      view.viewport.addEventListener("wheel", (event) => {
        event.preventDefault();
        const box = view.viewport.getBoundingClientRect();
        view.zoom(event.deltaY < 0 ? STEP : 1 / STEP, event.clientX - box.left, event.clientY - box.top);
      }, { passive: false });
      let drag = null;
      view.viewport.addEventListener("pointerdown", (event) => {
        if (event.button !== 0 || event.target.closest(".pin")) return;
        drag = { x: event.clientX, y: event.clientY, startX: view.x, startY: view.y, moved: false };
        view.viewport.setPointerCapture(event.pointerId);
      });
      view.viewport.addEventListener("pointermove", (event) => {
        if (!drag) return;
        const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
        if (!drag.moved && Math.hypot(dx, dy) < DRAG_PX) return;
        drag.moved = true;
        view.viewport.classList.add("is-panning");
        view.x = drag.startX + dx; view.y = drag.startY + dy;
        view.apply();
      });
      view.viewport.addEventListener("pointerup", (event) => {
        const clicked = drag && !drag.moved;
        drag = null;
        view.viewport.classList.remove("is-panning");
        if (clicked) dropPin(view, event);
      });
      view.viewport.addEventListener("pointercancel", () => { drag = null; });
    });
    window.addEventListener("resize", () => views[current].layout());
    show(0);
  }

  // ------------------------------------------------------------------ the grading form
  const form = document.getElementById("grade-form");
  const pinInputs = document.getElementById("pin-inputs");
  const pinList = document.getElementById("pin-list");
  let pinCount = pinList ? pinList.children.length : 0;

  function pinNumberOf(name) { return Number(name.split("-")[1]); }

  function renumberPins() {
    if (!pinList) return;
    Array.from(pinList.children).forEach((item, index) => {
      const id = item.dataset.pin;
      item.value = index + 1;
      document.querySelectorAll('.pin[data-pin="' + id + '"]').forEach((pin) => {
        pin.textContent = String(index + 1);
      });
    });
    const none = document.getElementById("no-pins");
    if (none) none.hidden = pinList.children.length > 0;
  }

  function removePin(id) {
    document.querySelectorAll('.pin[data-pin="' + id + '"], #pin-list [data-pin="' + id + '"]')
      .forEach((element) => element.remove());
    Array.from(pinInputs.querySelectorAll("input")).forEach((input) => {
      if (pinNumberOf(input.name) === Number(id)) input.remove();
    });
    renumberPins();
  }

  function addRemoveButton(item) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link-button pin-remove";
    button.textContent = "Remove";
    button.setAttribute("aria-label", "Remove pin " + item.value + ": " + item.textContent.trim());
    button.addEventListener("click", () => removePin(item.dataset.pin));
    item.append(" ", button);
  }

  function dropPin(view, event) {
    if (!form || showOverlay || !viewer.classList.contains("pin-editor")) return;
    const box = view.img.getBoundingClientRect();
    const x = (event.clientX - box.left) / box.width, y = (event.clientY - box.top) / box.height;
    if (x < 0 || x > 1 || y < 0 || y > 1) return;
    const note = window.prompt("Note for pin " + (pinList.children.length + 1) + ":");
    if (!note || !note.trim()) return;
    pinCount += 1;
    const id = String(pinCount);
    const values = { photo: view.figure.dataset.photoId, x: x.toFixed(4), y: y.toFixed(4), note: note.trim() };
    Object.entries(values).forEach(([name, value]) => {
      const input = document.createElement("input");
      input.type = "hidden"; input.name = "pins-" + id + "-" + name; input.value = value;
      pinInputs.appendChild(input);
    });
    const pin = document.createElement("span");
    pin.className = "pin pin-new"; pin.dataset.pin = id; pin.title = values.note;
    pin.dataset.x = values.x; pin.dataset.y = values.y; place(pin);
    view.stage.appendChild(pin);
    const item = document.createElement("li");
    item.dataset.pin = id;
    const text = document.createElement("span");
    text.className = "pin-note"; text.textContent = values.note;
    item.appendChild(text);
    pinList.appendChild(item);
    renumberPins();
    addRemoveButton(item);
  }

  let criteria = [], active = 0;
  function highlight(index) {
    if (!criteria.length) return;
    active = Math.min(criteria.length - 1, Math.max(0, index));
    criteria.forEach((fieldset, i) => fieldset.classList.toggle("is-active", i === active));
    criteria[active].scrollIntoView({ block: "nearest" });
  }

  if (form) {
    if (pinList) { Array.from(pinList.children).forEach(addRemoveButton); renumberPins(); }
    const total = document.getElementById("rubric-total");
    const verdict = document.getElementById("rubric-verdict");
    criteria = Array.from(form.querySelectorAll("fieldset.criterion"));
    const complete = () => criteria.every((fieldset) => fieldset.querySelector("input:checked"));
    const addUp = () => {
      let sum = 0;
      criteria.forEach((fieldset) => {
        const chosen = fieldset.querySelector("input:checked");
        if (chosen) sum += Number(chosen.dataset.points);
      });
      total.textContent = String(sum);
      verdict.textContent = complete() ? "" : "choose a level for every criterion";
    };
    form.addEventListener("change", (event) => {
      addUp();
      const fieldset = event.target.closest("fieldset.criterion");
      if (fieldset) highlight(criteria.indexOf(fieldset));
    });
    addUp();
    const firstOpen = criteria.findIndex((fieldset) => !fieldset.querySelector("input:checked"));
    highlight(firstOpen === -1 ? 0 : firstOpen);

    const feedback = document.getElementById("feedback");
    document.querySelectorAll(".insert-comment").forEach((button) => {
      button.addEventListener("click", () => {
        feedback.value = (feedback.value ? feedback.value.replace(/\s*$/, "\n") : "") + button.dataset.text;
        feedback.focus();
      });
    });

    form.saveAndNext = function () {
      const next = document.getElementById("save-next");
      if (!next) return;
      if (!complete()) { verdict.textContent = "choose a level for every criterion first"; return; }
      form.requestSubmit(next);
    };
  }

  function chooseLevel(number) {
    const fieldset = criteria[active];
    const radios = fieldset ? fieldset.querySelectorAll('input[type="radio"]') : [];
    if (number < 1 || number > radios.length) return;
    radios[number - 1].checked = true;
    radios[number - 1].dispatchEvent(new Event("change", { bubbles: true }));
    highlight(active + 1);
  }

  function toggleDetails(id) {
    const details = document.getElementById(id);
    if (details) { details.open = !details.open; if (details.open) details.scrollIntoView({ block: "nearest" }); }
  }

  // ------------------------------------------------------------------ keyboard shortcuts
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(document.activeElement)) return;
    const key = event.key;
    if (nextForm && key === "n") { nextForm.submit(); return; }
    let handled = true;
    if (form && /^[1-9]$/.test(key)) chooseLevel(Number(key));
    else if (form && key === "j") highlight(active + 1);
    else if (form && key === "k") highlight(active - 1);
    else if (form && key === "n") form.saveAndNext();
    else if (views.length && (key === "+" || key === "=")) views[current].zoom(STEP);
    else if (views.length && (key === "-" || key === "_")) views[current].zoom(1 / STEP);
    else if (views.length && key === "0") views[current].fit();
    else if (views.length && key === "o") setOverlay(!showOverlay);
    else if (views.length && key === "]") show(current + 1);
    else if (views.length && key === "[") show(current - 1);
    else if (key === "a" && document.getElementById("analysis-details")) toggleDetails("analysis-details");
    else if (key === "?" && document.getElementById("shortcuts")) toggleDetails("shortcuts");
    else handled = false;
    if (handled) event.preventDefault();
  });
})();
