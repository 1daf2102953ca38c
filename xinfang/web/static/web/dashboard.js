// 领导总览 and the workbench: draws the charts from the JSON the page carries (no inline script: the CSP forbids it).
// A click on a bar or slice opens the cases behind it in the ledger.
(function () {
  "use strict";
  function build(kind, data) {
    var bar = function (title, items, unit) {
      return {
        title: { text: title, left: "center", textStyle: { fontSize: 14 } },
        grid: { left: 8, right: 40, top: 36, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "value", axisLabel: { formatter: "{value}" + (unit || "") } },
        yAxis: { type: "category", inverse: true, data: items.map(function (i) { return i.name; }) },
        series: [{ type: "bar", data: items.map(function (i) { return i.value; }), label: { show: true, position: "right" } }],
        animation: false
      };
    };
    if (kind === "trend") {
      return {
        title: { text: "近十二个月信访量", left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { top: 24 },
        grid: { left: 8, right: 16, top: 56, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.trend.map(function (m) { return m.month; }) },
        yAxis: { type: "value" },
        series: [
          { name: "信访件数", type: "line", data: data.trend.map(function (m) { return m.cases; }) },
          { name: "来访人次", type: "line", data: data.trend.map(function (m) { return m.persons; }) }
        ],
        animation: false
      };
    }
    if (kind === "daily") {
      return {
        title: { text: "近30天每日登记量", left: "center", textStyle: { fontSize: 13 } },
        tooltip: { trigger: "axis" },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.daily.map(function (d) { return d.name; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", data: data.daily.map(function (d) { return d.value; }) }],
        animation: false
      };
    }
    if (kind === "topics") return bar("按内容分类（件）", data.topics);
    if (kind === "regions") return bar("按问题发生地（件）", data.regions);
    return bar("按期办结率排名", data.units, "%");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var kind = element.getAttribute("data-chart");
      var chart = echarts.init(element, null, { renderer: "svg" });
      chart.setOption(build(kind, data));
      chart.on("click", function (params) {
        var items = data[kind] || [];
        var item = items[params.dataIndex];
        if (item && item.link) window.location.href = item.link;
      });
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
