// The activity map: public activity counts per province on ECharts, click to list them.
(function () {
  "use strict";
  var node = document.getElementById("activity-map");
  if (!node || !window.echarts) { return; }
  var chart = window.echarts.init(node, null, { renderer: "canvas" });
  chart.showLoading();
  Promise.all([
    fetch(node.dataset.geo).then(function (r) { return r.json(); }),
    fetch(node.dataset.source, { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); })
  ]).then(function (results) {
    window.echarts.registerMap("china", results[0]);
    var provinces = results[1].provinces || [];
    var max = provinces.reduce(function (m, p) { return Math.max(m, p.value); }, 0);
    var byName = {};
    provinces.forEach(function (p) { byName[p.name] = p; });
    chart.hideLoading();
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (item) {
          var p = byName[item.name];
          return (p ? p.label : item.name) + ": " + (p ? p.value : 0);
        }
      },
      visualMap: { min: 0, max: Math.max(max, 1), left: "left", bottom: 10, calculable: true,
                   inRange: { color: ["#e8f1fb", "#0d6efd"] } },
      series: [{
        name: node.dataset.series, type: "map", map: "china", roam: true,
        emphasis: { label: { show: true } },
        data: provinces.map(function (p) { return { name: p.name, value: p.value }; })
      }]
    });
    chart.on("click", function (item) {
      var p = byName[item.name];
      if (!p) { return; }
      var params = new URLSearchParams(node.dataset.query);
      params.set("region", p.code);
      params.delete("page");
      window.location.href = node.dataset.list + "?" + params.toString();
    });
  }).catch(function () { chart.hideLoading(); });
  window.addEventListener("resize", function () { chart.resize(); });
})();
