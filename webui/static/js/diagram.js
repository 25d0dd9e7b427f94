// The case page's diagrams: bpmn-js NavigatedViewer, one tab per process, steps coloured by state.
(function () {
  const box = document.getElementById("diagram");
  if (!box || !window.BpmnJS) return;
  const viewer = new window.BpmnJS({ container: box });
  const tabs = Array.from(document.querySelectorAll("[data-diagram]"));
  const xmlUrl = (id) => box.dataset.xmlUrl.replace(/\/0\.bpmn$/, "/" + id + ".bpmn");
  const STATES = ["done", "current", "overdue"];
  let shown = null;
  let marks = {};

  function paint() {
    const canvas = viewer.get("canvas");
    const registry = viewer.get("elementRegistry");
    registry.getAll().forEach((el) => STATES.forEach((s) => canvas.removeMarker(el.id, s)));
    const mine = marks[shown] || {};
    STATES.forEach((state) => (mine[state] || []).forEach((id) => {
      if (registry.get(id)) canvas.addMarker(id, state);
    }));
  }

  async function loadMarks() {
    const response = await fetch(box.dataset.marksUrl, { credentials: "same-origin" });
    if (response.ok) marks = await response.json();
  }

  // Lanes are named by role code in the diagrams; the page names them in words (data-lane-labels)
  // before bpmn-js lays the labels out.
  function withLaneWords(xml) {
    const labels = JSON.parse(box.dataset.laneLabels || "{}");
    const doc = new DOMParser().parseFromString(xml, "application/xml");
    if (doc.getElementsByTagName("parsererror").length) return xml;
    const lanes = doc.getElementsByTagNameNS("http://www.omg.org/spec/BPMN/20100524/MODEL", "lane");
    Array.from(lanes).forEach((lane) => {
      const words = labels[lane.getAttribute("name")];
      if (words) lane.setAttribute("name", words);
    });
    return new XMLSerializer().serializeToString(doc);
  }

  async function show(id) {
    const response = await fetch(xmlUrl(id), { credentials: "same-origin" });
    if (!response.ok) { box.textContent = "流程图无法加载 (" + response.status + ")"; return; }
    await viewer.importXML(withLaneWords(await response.text()));
    shown = id;
    viewer.get("canvas").zoom("fit-viewport", "auto");
    paint();
    box.dataset.loaded = id;
    tabs.forEach((t) => {
      t.classList.toggle("active", t.dataset.diagram === id);
      t.setAttribute("aria-selected", t.dataset.diagram === id ? "true" : "false");
    });
  }

  tabs.forEach((tab) => tab.addEventListener("click", () => show(tab.dataset.diagram)));
  loadMarks().then(() => show(box.dataset.first));
  // Opened full screen (or back), the diagram fits its new size.
  document.addEventListener("fullscreenchange", () => viewer.get("canvas").zoom("fit-viewport", "auto"));
  // The diagram is live: step states are fetched again every 30 seconds.
  setInterval(() => loadMarks().then(paint), 30000);
})();
