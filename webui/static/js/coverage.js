// The coverage page's bar chart: required towns, streets and parks against those meeting the five haves.
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const element = document.getElementById("chart-coverage");
  if (!element || !window.echarts) return;
  window.ShangliangBars(element, data.names, [
    { name: data.labels.required, data: data.required, color: "#9aa9bd" },
    { name: data.labels.covered, data: data.covered, color: "#2e8b57" },
  ], 40);
})();
