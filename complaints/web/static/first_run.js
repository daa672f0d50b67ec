// The first-run form: the IIN/BIN check digit verified as it is typed (the algorithm of the library's
// iin_is_valid, complaints/case/model.py; the server checks again), and only the fields of the kind of
// applicant chosen shown. Without JavaScript the whole form shows and the server says what is wrong.
"use strict";

// The check digit of a 12-digit IIN or BIN: weights 1..11, and if the sum mod 11 is 10, weights 3..11,1,2;
// a second 10 means no valid number.
function idNumberIsValid(number) {
  if (!/^\d{12}$/.test(number)) return false;
  const digits = Array.from(number, Number);
  const sum = (weights) => weights.reduce((total, w, i) => total + w * digits[i], 0) % 11;
  let check = sum([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  if (check === 10) {
    check = sum([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
    if (check === 10) return false;
  }
  return check === digits[11];
}

function showCheck(input) {
  const out = document.getElementById("check-" + input.id);
  if (!out) return;
  const number = input.value.replace(/\s+/g, "");
  if (!number) { out.hidden = true; return; }
  out.hidden = false;
  const count = (number.match(/\d/g) || []).length;
  let ok = false;
  if (!/^\d+$/.test(number) || number.length !== 12) {
    out.textContent = out.dataset.short.replace("{count}", String(count));
  } else if (idNumberIsValid(number)) {
    out.textContent = out.dataset.ok;
    ok = true;
  } else {
    out.textContent = out.dataset.bad;
  }
  const complete = /^\d{12}$/.test(number);
  out.classList.toggle("problem", complete && !ok);
  out.classList.toggle("ok", ok);
  input.classList.toggle("invalid", complete && !ok);
  input.setAttribute("aria-invalid", complete && !ok ? "true" : "false");
}

function showKind(form) {
  const chosen = form.querySelector("input[name=kind]:checked");
  for (const part of form.querySelectorAll("fieldset[data-kind]")) {
    part.hidden = Boolean(chosen) && part.dataset.kind !== chosen.value;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-applicant]");  // the first run's, or the settings page's
  if (!form) return;
  for (const input of form.querySelectorAll("input[data-id-number]")) {
    input.addEventListener("input", () => showCheck(input));
    if (input.value) showCheck(input);
  }
  for (const radio of form.querySelectorAll("input[name=kind]")) {
    radio.addEventListener("change", () => showKind(form));
  }
  showKind(form);
});
