// Charts of the regulator's dashboard and the comparison page, drawn by ECharts (served by
// the app) from the JSON each chart element carries in data-chart-data. The tables beside
// them hold the same figures, so nothing is lost without script.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var palette = ["#198754", "#0d6efd", "#0dcaf0", "#dc3545"];
  var draw = {
    bands: function (d) {
      return {tooltip: {}, xAxis: {type: "category", data: d.bands.labels, name: "分"},
              yAxis: {type: "value", minInterval: 1}, series: [{type: "bar", data: d.bands.values, name: "家数"}]};
    },
    grades: function (d) {
      return {tooltip: {trigger: "item"}, color: palette, legend: {bottom: 0},
              series: [{type: "pie", radius: ["35%", "65%"], data: d.grades}]};
    },
    regions: function (d) {
      return {tooltip: {trigger: "axis"}, legend: {}, xAxis: {type: "category", data: d.regions.labels,
              axisLabel: {interval: 0, rotate: 30}}, yAxis: [{type: "value", name: "平均分", max: 100},
              {type: "value", name: "已核查", minInterval: 1}],
              series: [{type: "bar", name: "平均分", data: d.regions.averages},
                       {type: "line", name: "已核查", yAxisIndex: 1, data: d.regions.verified}]};
    },
    radar: function (d) {
      return {tooltip: {}, legend: {bottom: 0},
              radar: {indicator: d.indicators.map(function (name) { return {name: name, max: 100}; })},
              series: [{type: "radar", data: d.series}]};
    }
  };
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var make = draw[box.getAttribute("data-chart")];
    if (!make) { return; }
    var chart = echarts.init(box);
    chart.setOption(make(JSON.parse(box.getAttribute("data-chart-data"))));
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
