// The supervision dashboard's charts (ECharts); each bar opens the list of tasks behind it.
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const COLORS = { open: "#5b7fb5", yellow: "#e0a100", red: "#c0392b" };

  function draw(elementId, series) {
    const element = document.getElementById(elementId);
    if (!element || !window.echarts) return;
    const chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: "Noto Sans CJK SC, sans-serif" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: series.names, axisLabel: { interval: 0, rotate: series.names.length > 5 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: ["open", "yellow", "red"].map((level) => ({
        name: data.labels[level], type: "bar", data: series[level], itemStyle: { color: COLORS[level] }, barMaxWidth: 44,
        label: { show: true, position: "top" },
      })),
    });
    chart.on("click", (params) => {
      const query = new URLSearchParams({ [series.key]: series.codes[params.dataIndex] });
      const level = ["open", "yellow", "red"][params.seriesIndex];
      if (level !== "open") query.set("warning", level);
      window.location.href = data.list + "?" + query.toString();
    });
    window.addEventListener("resize", () => chart.resize());
  }

  draw("chart-groups", data.groups);
  draw("chart-stages", data.stages);
})();
