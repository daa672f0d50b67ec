// A little help for the forms; every page works without it.
"use strict";

// The text of `source` put on the clipboard: through navigator.clipboard where the browser has it, else by
// selecting the text and the browser's own copy command (older browsers, a page not served as secure).
async function copyText(source) {
  const text = source.value ?? source.textContent;
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); return true; } catch (error) { /* try the old way */ }
  }
  if (typeof source.select === "function") {
    source.focus();
    source.select();
  } else {
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  try { return document.execCommand("copy"); } catch (error) { return false; }
}

document.addEventListener("DOMContentLoaded", () => {
  // copy buttons: <button data-copy="#id" data-done="Copied" data-failed="…">; the words come from the page
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    const label = button.textContent;
    const status = button.parentElement && button.parentElement.querySelector(".copied");
    let timer = 0;
    button.addEventListener("click", async (event) => {
      event.preventDefault();
      const source = document.querySelector(button.dataset.copy);
      if (!source) return;
      const copied = await copyText(source);
      const said = copied ? button.dataset.done : button.dataset.failed;
      button.classList.toggle("done", copied);
      button.classList.toggle("failed", !copied);
      if (said) {
        button.textContent = said;
        if (status) status.textContent = said;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        button.textContent = label;
        button.classList.remove("done", "failed");
        if (status) status.textContent = "";
      }, 4000);
    });
  }
  // a file over the upload limit is said beside its field as soon as it is chosen (the server refuses it too,
  // with the page's own message: sending it on a computer's own loopback costs nothing)
  const limit = document.querySelector('meta[name="upload-limit"]');
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!limit || !(input instanceof HTMLInputElement) || input.type !== "file") return;
    if (input.form && input.form.dataset.maxUpload) return;  // a form that says it beside the field itself
    const big = Array.from(input.files || []).some((file) => file.size > Number(limit.content));
    let note = input.nextElementSibling;
    if (!(note && note.classList.contains("too-large"))) note = null;
    if (big && !note) {
      note = document.createElement("p");
      note.className = "problem too-large";
      note.setAttribute("role", "alert");
      note.textContent = limit.dataset.tooLarge;
      input.after(note);
    } else if (!big && note) {
      note.remove();
    }
  });
});
