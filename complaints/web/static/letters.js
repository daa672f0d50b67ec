// The letters page with JavaScript: a form that makes letters says it is at work, and is not sent twice.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.make")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "yes";
      const note = form.querySelector(".working");
      if (note) { note.textContent = form.dataset.working; note.hidden = false; }
    });
  }
});
