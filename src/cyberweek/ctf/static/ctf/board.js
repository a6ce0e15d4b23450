// The scoreboard's chart: the top ten teams' points over time, from chart.json.
(function () {
  "use strict";
  var box = document.getElementById("score-chart");
  if (!box || typeof echarts === "undefined") { return; }
  var chart = echarts.init(box);
  function draw() {
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var series = data.series.map(function (team) {
          return { name: team.name, type: "line", step: "end", data: team.points };
        });
        chart.setOption({
          title: series.length ? undefined : { text: box.dataset.empty, left: "center", top: "middle" },
          tooltip: { trigger: "axis" },
          legend: { type: "scroll" },
          xAxis: { type: "time" },
          yAxis: { type: "value" },
          series: series
        }, true);
      });
  }
  draw();
  setInterval(draw, 30000);
  window.addEventListener("resize", function () { chart.resize(); });
})();
