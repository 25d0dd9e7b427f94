// The supervision dashboard's charts (ECharts); each bar opens the list of tasks behind it.
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const COLORS = { open: "#5b7fb5", yellow: "#e0a100", red: "#c0392b" };

  function draw(elementId, series) {
    const element = document.getElementById(elementId);
    if (!element || !window.echarts) return;
    const levels = ["open", "yellow", "red"];
    const chart = window.ShangliangBars(element, series.names, levels.map((level) => (
      { name: data.labels[level], data: series[level], color: COLORS[level] })), 48);
    chart.on("click", (params) => {
      const query = new URLSearchParams({ [series.key]: series.codes[params.dataIndex] });
      const level = levels[params.seriesIndex];
      if (level !== "open") query.set("warning", level);
      window.location.href = data.list + "?" + query.toString();
    });
  }

  draw("chart-groups", data.groups);
  draw("chart-stages", data.stages);
})();
