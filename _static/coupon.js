// The discount code's copy button (the Buy page, through _ext/book_pages.py). Without this script,
// or a clipboard, the code is plain text that selects whole with one click (companion.css).
(function () {
  "use strict";
  const code = document.querySelector(".coupon-code");
  if (!code || !navigator.clipboard) return;
  const actions = document.createElement("p");
  const button = document.createElement("button");
  const status = document.createElement("span");
  actions.className = "coupon-actions";
  button.type = "button";
  button.textContent = "Copy the code";
  status.setAttribute("role", "status");
  button.addEventListener("click", () => {
    const text = code.textContent.trim();
    navigator.clipboard.writeText(text).then(
      () => { status.textContent = `Copied: ${text}`; },
      () => { status.textContent = "Could not copy: select the code and copy it"; },
    );
  });
  actions.append(button, " ", status);
  code.closest("p").after(actions);
})();
