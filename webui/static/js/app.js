// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive or consequential actions written as data-confirm on a form or button.
  document.body.addEventListener("submit", (event) => {
    const form = event.target;
    const message = form.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // A form marked data-submit-once is sent once: its buttons disable after the first press. They are
  // disabled after the browser has read the pressed button's name and value, which a disabled one would lose.
  document.body.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || !form.matches("form[data-submit-once]")) return;
    if (form.dataset.sending) { event.preventDefault(); return; }
    form.dataset.sending = "1";
    const pressed = event.submitter;
    window.setTimeout(() => {
      form.querySelectorAll("button, input[type=submit]").forEach((button) => { button.disabled = true; });
      if (pressed && pressed.dataset.busy) pressed.textContent = pressed.dataset.busy;
    }, 0);
  });

  // A form marked data-guard asks before the page is left with changes typed but not sent.
  document.querySelectorAll("form[data-guard]").forEach((form) => {
    let changed = false;
    form.addEventListener("input", () => { changed = true; });
    form.addEventListener("change", () => { changed = true; });
    form.addEventListener("submit", () => { changed = false; });
    document.body.addEventListener("htmx:afterRequest", (event) => {
      if (form.contains(event.target) && event.detail.successful) changed = false;  // a saved draft is kept
    });
    window.addEventListener("beforeunload", (event) => {
      if (!changed) return;
      event.preventDefault();
      event.returnValue = form.dataset.guard;
    });
  });
});
