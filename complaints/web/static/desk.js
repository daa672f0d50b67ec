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
});
