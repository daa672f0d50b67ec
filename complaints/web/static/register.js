// The filing form, made nicer: the file filed is chosen among the chosen case's letters only, and the letter's
// language follows the file chosen (<id>.<lang>.<format>). Without this every case's letters are listed, grouped.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const caseField = document.getElementById("filing-case");
  const fileField = document.getElementById("filing-file");
  const langField = document.getElementById("filing-lang");
  if (!caseField || !fileField) return;
  const language = () => {
    const chosen = fileField.selectedOptions[0];
    const found = chosen && /\.(kk|ru|en)\.[a-z]+$/.exec(chosen.textContent.trim());
    if (found && langField) langField.value = found[1];
  };
  const narrow = (keep) => {
    const id = caseField.selectedOptions[0] ? caseField.selectedOptions[0].dataset.case : null;
    let first = null;
    for (const group of fileField.querySelectorAll("optgroup")) {
      const mine = group.dataset.case === id;
      group.hidden = !mine;
      group.disabled = !mine;
      if (mine && !first) first = group.querySelector("option");
    }
    const current = fileField.selectedOptions[0];
    if (!keep || !current || current.parentElement.disabled) {
      if (first) first.selected = true;
      language();
    }
  };
  caseField.addEventListener("change", () => narrow(false));
  fileField.addEventListener("change", language);
  narrow(Boolean(fileField.querySelector("option[selected]")));
});
