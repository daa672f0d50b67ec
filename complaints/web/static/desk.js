// A little help for the forms; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // copy buttons: <button data-copy="#id">
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", (event) => {
      event.preventDefault();
      const source = document.querySelector(button.dataset.copy);
      if (source) { navigator.clipboard.writeText(source.value ?? source.textContent); button.classList.add("done"); }
    });
  }
  // a file over the upload limit is refused beside its field before it is sent (the server refuses it too)
  const limit = document.querySelector('meta[name="upload-limit"]');
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!limit || !(input instanceof HTMLInputElement) || input.type !== "file") return;
    if (input.form && input.form.dataset.maxUpload) return;  // a form that says it beside the field itself
    const big = Array.from(input.files || []).some((file) => file.size > Number(limit.content));
    input.setCustomValidity(big ? limit.dataset.tooLarge : "");
    if (big) input.reportValidity();
  });
});
