// The dashboard's charts (ECharts, vendored): a map of the region that drills down on a
// click, activities with coordinates as points, and charts per day and sector. The figures
// come with the page (json_script) and are fetched again every refresh period.
(function () {
  "use strict";
  var payloadNode = document.getElementById("insights-payload");
  var config = document.getElementById("insights-config");
  var mapNode = document.getElementById("insights-map");
  if (!payloadNode || !config || !window.echarts) { return; }
  var payload = JSON.parse(payloadNode.textContent);
  var charts = {};

  function drillUrl(code) {
    var params = new URLSearchParams(window.location.search);
    params.set("region", code);
    return window.location.pathname + "?" + params.toString();
  }

  function mapOption(data, geoName) {
    var byCode = {};
    data.map.regions.forEach(function (r) { byCode[r.code] = r; });
    var values = data.map.regions.map(function (r) { return r.values.activities; });
    var max = Math.max.apply(null, values.concat([1]));
    return {
      tooltip: { trigger: "item" },
      visualMap: { min: 0, max: max, left: "left", bottom: 10, calculable: true,
                   seriesIndex: 0, inRange: { color: ["#e8f1fb", "#0d6efd"] } },
      geo: { map: geoName, roam: true, emphasis: { label: { show: true } },
             regions: data.map.highlight ? [{ name: data.map.highlight,
               itemStyle: { borderColor: "#dc3545", borderWidth: 2 } }] : [] },
      series: [
        { name: config.dataset.activities, type: "map", geoIndex: 0,
          data: Object.keys(byCode).map(function (code) {
            return { name: code, value: byCode[code].values.activities, label: byCode[code].name };
          }) },
        { name: config.dataset.points, type: "scatter", coordinateSystem: "geo", symbolSize: 6,
          itemStyle: { color: "#dc3545" },
          data: data.points.map(function (p) { return { name: p.title, value: [p.lng, p.lat], id: p.id }; }) }
      ]
    };
  }

  function drawMap(data) {
    if (!mapNode) { return; }
    var chart = charts.map || window.echarts.init(mapNode, null, { renderer: "canvas" });
    charts.map = chart;
    var geoName = "region-" + data.map.geo;
    var ready = window.echarts.getMap(geoName) ? Promise.resolve() :
      fetch(mapNode.dataset.geoBase + data.map.geo + ".json").then(function (r) { return r.json(); })
        .then(function (geo) {
          // Features are named by their GB/T 2260 code, so figures and clicks use codes.
          geo.features.forEach(function (f) {
            f.properties.label = f.properties.name;
            f.properties.name = String(f.properties.adcode);
          });
          window.echarts.registerMap(geoName, geo);
        });
    ready.then(function () {
      var names = {};
      data.map.regions.forEach(function (r) { names[r.code] = r.name; });
      var option = mapOption(data, geoName);
      option.tooltip.formatter = function (item) {
        if (item.seriesType === "scatter") { return item.name; }
        return (names[item.name] || item.name) + ": " + (item.value || 0);
      };
      chart.setOption(option, true);
      chart.off("click");
      chart.on("click", function (item) {
        if (item.seriesType === "scatter" || !/^\d{6}$/.test(item.name)) { return; }
        if (item.name === data.map.highlight) { return; }
        window.location.href = drillUrl(item.name);
      });
      mapNode.dataset.ready = "true";
    });
  }

  function drawBars(id, labels, series) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var chart = charts[id] || window.echarts.init(node, null, { renderer: "canvas" });
    charts[id] = chart;
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 10, top: 30, bottom: 60 },
      xAxis: { type: "category", data: labels, axisLabel: { rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
    }, true);
  }

  function draw(data) {
    drawMap(data);
    drawBars("chart-days", data.by_day.map(function (d) {
      return d.day.slice(5) + (d.themed_day ? " " + d.themed_day : "");
    }), [
      { name: config.dataset.activities, data: data.by_day.map(function (d) { return d.values.activities; }) },
      { name: config.dataset.attempts, data: data.by_day.map(function (d) { return d.values.quiz_attempts; }) }
    ]);
    drawBars("chart-sectors", data.by_sector.map(function (s) { return s.label; }), [
      { name: config.dataset.activities, data: data.by_sector.map(function (s) { return s.values.activities; }) }
    ]);
    Object.keys(data.totals).forEach(function (code) {
      var cell = document.querySelector('[data-metric="' + code + '"]');
      if (cell) { cell.textContent = data.totals[code]; }
    });
    var stamp = document.getElementById("refreshed-at");
    if (stamp && data.refreshed_at) { stamp.textContent = data.refreshed_at.slice(0, 19).replace("T", " "); }
  }

  draw(payload);
  var every = parseInt(config.dataset.refresh, 10) || 60000;
  window.setInterval(function () {
    fetch(config.dataset.url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.refreshed_at !== payload.refreshed_at) { payload = data; draw(data); }
      })
      .catch(function () { /* the next period tries again */ });
  }, every);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
})();
