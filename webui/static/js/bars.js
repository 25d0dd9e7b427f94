// One look for every bar chart of the pages (ECharts, SVG): the categories along the bottom and one bar per
// series with its count on top. Used by the supervisors' dashboard and the rooms' coverage page.
window.ShangliangBars = function (element, names, series, top) {
  const chart = window.echarts.init(element, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: "Noto Sans CJK SC, sans-serif" },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 5 ? 30 : 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: series.map((one) => ({
      name: one.name, type: "bar", data: one.data, itemStyle: { color: one.color }, barMaxWidth: 44,
      label: { show: true, position: "top" },
    })),
  });
  window.addEventListener("resize", () => chart.resize());
  return chart;
};
