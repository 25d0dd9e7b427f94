// The public proposal form checks its photos before sending: how many, how large, what type. The server
// checks the same again (workflows/participation/photos.py); this only spares a long upload on a phone.
document.addEventListener("DOMContentLoaded", () => {
  const input = document.querySelector("form[data-photo-check] input[type=file][name=photos]");
  if (!input) return;
  const error = document.getElementById("e-photos");
  const types = input.accept.split(",");
  const problem = () => {
    const files = Array.from(input.files || []);
    const tooMany = files.length > Number(input.dataset.maxFiles);
    const bad = files.some((file) => file.size > Number(input.dataset.maxBytes) || !types.includes(file.type));
    return tooMany || bad ? input.dataset.message : "";
  };
  const show = () => {
    const message = problem();
    error.textContent = message;
    error.hidden = !message;
    input.setAttribute("aria-invalid", message ? "true" : "false");
    if (message) input.setAttribute("aria-describedby", "e-photos"); else input.removeAttribute("aria-describedby");
    return message;
  };
  input.addEventListener("change", show);
  input.form.addEventListener("submit", (event) => {
    if (show()) { event.preventDefault(); input.focus(); }
  });
});
