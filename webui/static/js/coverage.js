// The coverage page's bar chart (ECharts): required towns, streets and parks against those meeting the five haves.
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const element = document.getElementById("chart-coverage");
  if (!element || !window.echarts) return;
  const chart = window.echarts.init(element, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: "Noto Sans CJK SC, sans-serif" },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, rotate: data.names.length > 5 ? 30 : 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: data.labels.required, type: "bar", data: data.required, itemStyle: { color: "#9aa9bd" }, barMaxWidth: 40,
        label: { show: true, position: "top" } },
      { name: data.labels.covered, type: "bar", data: data.covered, itemStyle: { color: "#2e8b57" }, barMaxWidth: 40,
        label: { show: true, position: "top" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
