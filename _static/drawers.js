// Furo's drawers (the navigation and the page's contents, on narrow screens) open when a hidden
// checkbox is ticked by clicking its <label>, which the keyboard cannot reach. This puts a real
// button in each label's place: Tab reaches it, Enter or Space opens its drawer and moves focus
// into it, Escape closes the drawer and returns focus to the button. Without JavaScript the
// labels stay, and work with a pointer.
(function () {
  "use strict";
  const drawers = { __navigation: ".sidebar-drawer", __toc: ".toc-drawer" };
  const buttons = [];

  function update(box) {
    for (const button of buttons) {
      if (button.dataset.for === box.id) button.setAttribute("aria-expanded", String(box.checked));
    }
  }

  for (const label of document.querySelectorAll("label.nav-overlay-icon, label.toc-overlay-icon")) {
    const box = document.getElementById(label.htmlFor);
    const button = document.createElement("button");
    button.type = "button";
    button.className = label.className;
    button.dataset.for = box.id;
    button.setAttribute("aria-label", box.getAttribute("aria-label"));
    button.append(...label.childNodes);
    label.replaceWith(button);
    buttons.push(button);
    button.addEventListener("click", () => {
      box.click();
      const first = box.checked && document.querySelector(drawers[box.id]).querySelector("a[href], input, button");
      if (first) first.focus();
    });
    box.addEventListener("change", () => update(box));
    update(box);
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    for (const box of document.querySelectorAll(".sidebar-toggle:checked")) {
      box.checked = false;
      update(box);
      const shown = buttons.find((button) => button.dataset.for === box.id && button.offsetParent !== null);
      if (shown) shown.focus();
    }
  });
})();
