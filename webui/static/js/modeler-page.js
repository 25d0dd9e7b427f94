// The modeler page: load the draft into bpmn-js, save it, validate it (problems marked on the
// diagram at their elements), and save before the deploy form is sent.
(function () {
  const root = document.getElementById("modeler-root");
  if (!root || !window.ShangliangModeler) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const choices = JSON.parse(document.getElementById("modeler-choices").textContent);
  const modeler = window.ShangliangModeler.create({
    container: document.getElementById("canvas"), panel: document.getElementById("properties"), choices,
  });
  const state = document.getElementById("save-state");
  let dirty = false;
  let marked = [];

  function setState(text, isDirty) {
    state.textContent = text;
    dirty = isDirty;
  }

  async function load() {
    const response = await fetch(root.dataset.xmlUrl, { credentials: "same-origin" });
    const { warnings } = await modeler.importXML(await response.text());
    modeler.get("canvas").zoom("fit-viewport", "auto");
    root.dataset.loaded = "true";
    // A diagram without a layout imports as an empty canvas: say so rather than show nothing.
    const drawn = modeler.get("elementRegistry").filter((e) => e.type !== "bpmn:Process" && !e.labelTarget);
    const blank = document.getElementById("no-layout");
    if (blank) blank.hidden = drawn.length > 1;
    if (warnings.length) console.warn("import warnings", warnings);
    modeler.on("commandStack.changed", () => setState("未保存的修改 (unsaved)", true));
  }

  async function save() {
    const { xml } = await modeler.saveXML({ format: true });
    const response = await fetch(root.dataset.xmlUrl, {
      method: "PUT", credentials: "same-origin", body: xml,
      headers: { "Content-Type": "application/xml", "X-CSRFToken": csrf },
    });
    const body = await response.json();
    if (!response.ok) {
      setState("保存失败 (not saved): " + body.message, true);
      return false;
    }
    setState("已保存 (saved)", false);
    return true;
  }

  function clearMarks() {
    const canvas = modeler.get("canvas");
    const overlays = modeler.get("overlays");
    marked.forEach((id) => { canvas.removeMarker(id, "problem"); overlays.remove({ element: id, type: "problem" }); });
    marked = [];
  }

  function mark(problem, id) {
    const registry = modeler.get("elementRegistry");
    const element = id && registry.get(id);
    if (!element || marked.includes(element.id)) return;
    modeler.get("canvas").addMarker(element.id, "problem");
    const badge = document.createElement("div");
    badge.className = "problem-badge";
    badge.title = problem.message;
    badge.textContent = "!";
    modeler.get("overlays").add(element.id, "problem", { position: { top: -10, right: 10 }, html: badge });
    marked.push(element.id);
  }

  // Each cause is one line naming its elements; a click selects them on the diagram and brings them into view.
  function elementsOf(problem) {
    const listed = (problem.elements || []).map((e) => e.id);
    return listed.length ? listed : (problem.element_id ? [problem.element_id] : []);
  }

  function show(problems) {
    const panel = document.getElementById("problems-panel");
    const list = document.getElementById("problems");
    panel.hidden = false;
    document.getElementById("valid-message").hidden = problems.length > 0;
    list.replaceChildren(...problems.map((p) => {
      const item = document.createElement("li");
      const ids = elementsOf(p);
      const names = (p.elements || []).map((e) => e.name || e.id);
      item.dataset.element = ids.join(" ");
      item.textContent = p.message + (names.length ? "：" + names.slice(0, 8).join("、")
        + (names.length > 8 ? " …（" + names.length + "）" : "") : "");
      item.addEventListener("click", () => {
        const registry = modeler.get("elementRegistry");
        const elements = ids.map((id) => registry.get(id)).filter(Boolean);
        if (!elements.length) return;
        modeler.get("selection").select(elements);
        modeler.get("canvas").scrollToElement(elements[0]);
      });
      return item;
    }));
    clearMarks();
    problems.forEach((p) => elementsOf(p).forEach((id) => mark(p, id)));
  }

  async function validate() {
    if (!(await save())) return;
    const response = await fetch(root.dataset.validateUrl, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf },
    });
    show((await response.json()).problems);
  }

  document.getElementById("save").addEventListener("click", save);
  document.getElementById("validate").addEventListener("click", validate);
  document.getElementById("deploy-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (await save()) event.target.submit();
  });
  window.addEventListener("beforeunload", (event) => { if (dirty) event.preventDefault(); });
  window.shangliangModeler = modeler;  // for the browser tests and the console
  load();
})();
