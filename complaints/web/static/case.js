// The case page: the form checked as you type (the server checks it by the rules of `validate`, /case/check),
// each problem put beside its input; a file too large or of a type not taken is said before it is sent.
// Without this script the page works the same through its Check button.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("case-form");
  if (!form) return;
  const upload = form.querySelector('input[type="file"]');
  const state = document.getElementById("check-state");
  const boxes = new Map();
  for (const box of document.querySelectorAll("[data-problems-for]")) boxes.set(box.dataset.problemsFor, box);
  let asked = 0;
  let timer = null;
  // a new form says nothing of the fields not filled in yet; a case file opened, or a form sent back, all
  const touched = new Set();
  let all = form.dataset.all === "1";

  function seen(key) {
    if (all) return true;
    for (const name of touched) if (name === key || name.startsWith(key + ".") || key === "") return true;
    return false;
  }

  function line(severity, message) {
    const p = document.createElement("p");
    p.className = "problem " + severity;
    p.textContent = (severity === "warning" ? form.dataset.warning : form.dataset.error) + ": " + message;
    return p;
  }

  function mark(key) {
    for (const input of form.querySelectorAll("input, textarea, select")) {
      const name = input.name || "";
      if (name === key || name.startsWith(key + ".")) {
        input.classList.add("invalid");
        input.setAttribute("aria-invalid", "true");
      }
    }
  }

  function show(problems, keep) {
    for (const [key, box] of boxes) {
      if (keep && keep.has(key)) continue;
      box.replaceChildren();
    }
    for (const input of form.querySelectorAll(".invalid")) {
      if (keep && keep.has(input.name)) continue;
      input.classList.remove("invalid");
      input.removeAttribute("aria-invalid");
    }
    for (const [key, list] of Object.entries(problems)) {
      if (!seen(key)) continue;
      const box = boxes.get(key) || boxes.get("");
      for (const problem of list) box.append(line(problem.severity, problem.message));
      if (list.some((p) => p.severity === "error")) mark(key);
    }
  }

  function uploadProblem() {
    const file = upload && upload.files && upload.files[0];
    if (!file) return null;
    const ending = "." + (file.name.split(".").pop() || "").toLowerCase();
    if (!file.name.includes(".") || !form.dataset.types.split(",").includes(ending)) return form.dataset.badType;
    if (file.size > Number(form.dataset.maxUpload)) return form.dataset.tooLarge;
    return null;
  }

  function showUpload() {
    if (!upload) return;
    const box = boxes.get(upload.name);
    box.replaceChildren();
    upload.classList.remove("invalid");
    const message = uploadProblem();
    if (message) {
      box.append(line("error", message));
      upload.classList.add("invalid");
    }
  }

  async function check() {
    const number = ++asked;
    const data = new FormData(form);
    if (upload) data.delete(upload.name);
    data.delete("action");
    if (state) state.textContent = form.dataset.checking;
    try {
      const answer = await fetch(form.dataset.check, { method: "POST", body: data, credentials: "same-origin" });
      if (!answer.ok || number !== asked) return;
      const found = await answer.json();
      if (number !== asked) return;
      show(found.problems, upload ? new Set([upload.name]) : null);
      const id = form.querySelector('input[name="id"]');
      if (id && !id.readOnly && found.id) id.placeholder = found.id;
      form.dataset.checked = String(number);
    } finally {
      if (state && number === asked) state.textContent = "";
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  }

  form.addEventListener("input", (event) => {
    if (event.target === upload) return;
    touched.add(event.target.name);
    later();
  });
  form.addEventListener("change", (event) => {
    if (event.target === upload) { showUpload(); return; }
    touched.add(event.target.name);
    later();
  });
  form.addEventListener("submit", (event) => {
    all = true;
    if (uploadProblem()) {
      event.preventDefault();
      showUpload();
      upload.focus();
    }
  });
});
