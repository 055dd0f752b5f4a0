// Filters of the profiles gallery (profiles/index). Without JavaScript the form stays hidden
// and the gallery shows every card in its group; with it, readers narrow the cards down.
(function () {
  "use strict";
  const form = document.querySelector(".profile-filters");
  if (!form) return;
  const cards = Array.from(document.querySelectorAll(".profile-card"));
  const groups = Array.from(document.querySelectorAll(".profile-group"));
  const count = form.querySelector(".profile-filter-count");

  function apply() {
    const wanted = Object.fromEntries(new FormData(form));
    let shown = 0;
    for (const card of cards) {
      const match = Object.entries(wanted).every(([key, value]) => !value || card.dataset[key] === value);
      card.hidden = !match;
      if (match) shown += 1;
    }
    for (const group of groups) {
      group.hidden = !group.querySelector(".profile-card:not([hidden])");
    }
    count.textContent = shown === cards.length ? `${shown} profiles` : `${shown} of ${cards.length} profiles`;
  }

  form.addEventListener("change", apply);
  form.addEventListener("submit", (event) => event.preventDefault());
  form.hidden = false;
  apply();
})();
