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

// A file input with data-max-bytes is checked before the form is sent: its size and its type (the accept
// list), said next to the field in the page's language. The server checks the same again.
document.addEventListener("DOMContentLoaded", () => {
  const problemOf = (input) => {
    const file = input.files && input.files[0];
    if (!file) return "";
    const allowed = (input.accept || "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
    const dot = file.name.lastIndexOf(".");
    const suffix = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
    if (allowed.length && !allowed.includes(suffix)) return input.dataset.wrongType;
    if (file.size > Number(input.dataset.maxBytes)) return input.dataset.tooLarge;
    return "";
  };
  const show = (input, message) => {
    const id = `${input.id}-check`;
    let note = document.getElementById(id);
    if (!message) { if (note) note.remove(); input.removeAttribute("aria-invalid"); return; }
    if (!note) {
      note = document.createElement("p");
      note.className = "field-error";
      note.id = id;
      note.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = message;
    input.setAttribute("aria-invalid", "true");
  };
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach((input) => {
    input.addEventListener("change", () => show(input, problemOf(input)));
  });
  document.body.addEventListener("submit", (event) => {
    const bad = [...event.target.querySelectorAll("input[type=file][data-max-bytes]")].filter((i) => problemOf(i));
    if (!bad.length) return;
    bad.forEach((input) => show(input, problemOf(input)));
    event.preventDefault();
    event.stopImmediatePropagation();
    bad[0].focus();
  }, true);
});

// A "select all" box (data-check-all="<name>") ticks every checkbox of that name; a button with
// data-fullscreen="<selector>" shows that element full screen (the diagram on a phone).
document.addEventListener("DOMContentLoaded", () => {
  document.body.addEventListener("change", (event) => {
    const all = event.target.closest("input[data-check-all]");
    if (!all) return;
    document.querySelectorAll(`input[type=checkbox][name="${all.dataset.checkAll}"]`).forEach((box) => {
      box.checked = all.checked;
    });
  });
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-fullscreen]");
    if (!button) return;
    const target = document.querySelector(button.dataset.fullscreen);
    if (!target) return;
    if (document.fullscreenElement) document.exitFullscreen();
    else if (target.requestFullscreen) target.requestFullscreen().then(() => window.dispatchEvent(new Event("resize")));
    else target.classList.toggle("fullscreen");
  });
});

// A button with data-add-row="<id>" adds one blank row to that list of rows (the minutes' suggestions):
// the last row is copied with its inputs emptied and renumbered.
document.addEventListener("DOMContentLoaded", () => {
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-add-row]");
    const rows = button && document.getElementById(button.dataset.addRow);
    if (!rows) return;
    const last = rows.querySelector("[data-row]:last-of-type");
    const copy = last.cloneNode(true);
    copy.querySelectorAll("textarea, select").forEach((input) => { input.value = ""; });
    copy.querySelector("span").textContent = `${rows.querySelectorAll("[data-row]").length + 1}.`;
    rows.appendChild(copy);
    copy.querySelector("textarea").focus();
  });
});
