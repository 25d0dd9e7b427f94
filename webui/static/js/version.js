// A version's diagram, read-only.
(function () {
  const box = document.getElementById("viewer");
  if (!box || !window.ShangliangModeler) return;
  const viewer = window.ShangliangModeler.viewer(box);
  fetch(box.dataset.xmlUrl, { credentials: "same-origin" })
    .then((r) => r.text())
    .then((xml) => viewer.importXML(xml))
    .then(() => { viewer.get("canvas").zoom("fit-viewport", "auto"); box.dataset.loaded = "true"; });
})();
