// Two versions side by side; added, removed and changed elements are coloured.
(function () {
  const marks = JSON.parse(document.getElementById("diff-marks").textContent);
  function show(id, side) {
    const box = document.getElementById(id);
    const viewer = window.ShangliangModeler.viewer(box);
    return fetch(box.dataset.xmlUrl, { credentials: "same-origin" })
      .then((r) => r.text())
      .then((xml) => viewer.importXML(xml))
      .then(() => {
        const canvas = viewer.get("canvas");
        const registry = viewer.get("elementRegistry");
        Object.entries(marks[side]).forEach(([kind, ids]) => ids.forEach((element) => {
          if (registry.get(element)) canvas.addMarker(element, "diff-" + kind);
        }));
        canvas.zoom("fit-viewport", "auto");
        box.dataset.loaded = "true";
      });
  }
  if (window.ShangliangModeler) { show("diff-old", "old"); show("diff-new", "new"); }
})();
