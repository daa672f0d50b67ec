// The batch's page with JavaScript: its progress bar polled from /batch/<id>.json, the page reloaded once the
// batch is done (without JavaScript, a meta refresh reloads it every second instead).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const section = document.getElementById("job");
  if (!section || section.dataset.running !== "yes") return;
  const bar = document.getElementById("bar");
  const poll = async () => {
    try {
      const answer = await fetch(`/batch/${encodeURIComponent(section.dataset.job)}.json`, {cache: "no-store"});
      const state = await answer.json();
      if (state.total) { bar.max = state.total; bar.value = state.done; }
      document.getElementById("done").textContent = state.done;
      document.getElementById("total").textContent = state.total;
      if (!state.running) { window.location.reload(); return; }
    } catch (error) { /* the server is busy: try again */ }
    window.setTimeout(poll, 400);
  };
  window.setTimeout(poll, 200);
});
