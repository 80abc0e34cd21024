// The upload page checks each chosen photo at once (markers, resolution, blur, glare) and says
// why a retake is needed, before anything is submitted. The server checks again on submit.
(function () {
  "use strict";
  const form = document.getElementById("submission-form");
  if (!form) return;
  const input = form.querySelector("input[type=file][name=photos]");
  const out = document.getElementById("photo-check");
  const csrf = form.querySelector("input[name=csrf_token]").value;

  function line(text, kind) {
    const item = document.createElement("li");
    item.className = "photo-check-" + kind;
    item.textContent = text;
    return item;
  }

  async function check(file) {
    const body = new FormData();
    body.append("photo", file, file.name);
    try {
      const response = await fetch(form.dataset.checkUrl, {
        method: "POST", body: body, credentials: "same-origin", redirect: "error",
        headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
      });
      const data = await response.json();
      if (!response.ok) return [line("“" + file.name + "”: " + (data.error || "could not be checked now."), "error")];
      if (data.ok) return [line("“" + file.name + "” can be measured.", "ok")];
      return data.problems.map((problem) => line(problem, "error"));
    } catch (err) {
      return [line("“" + file.name + "” could not be checked now; it is checked again when you submit.", "note")];
    }
  }

  input.addEventListener("change", async () => {
    out.replaceChildren();
    if (!input.files.length) return;
    const list = document.createElement("ul");
    list.className = "plain";
    out.appendChild(list);
    list.appendChild(line("Checking " + input.files.length + " photo(s)…", "note"));
    const results = await Promise.all(Array.from(input.files).map(check));
    list.replaceChildren(...results.flat());
  });
})();
