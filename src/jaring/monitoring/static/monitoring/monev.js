// Charts of the monitoring pages, drawn with Chart.js from the JSON the page carries
// (json_script). Every chart has a table beside it, so the page reads without JS.
(function () {
  "use strict";
  var source = document.getElementById("coverage-chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  Chart.defaults.animation = false; // drawn at once: screenshots and printouts show the final figures
  var percent = function (value) { return value === null ? "" : String(value).replace(".", ",") + "%"; };
  var tooltip = { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + percent(ctx.parsed.y !== undefined && ctx.chart.options.indexAxis !== "y" ? ctx.parsed.y : ctx.parsed.x); } } };

  var trend = document.getElementById("trend-chart");
  if (trend && data.trend.labels.length) {
    new Chart(trend, {
      type: "line",
      data: {
        labels: data.trend.labels,
        datasets: [
          { label: "Cakupan", data: data.trend.coverage, borderColor: "#198754", backgroundColor: "rgba(25,135,84,0.15)", fill: true, tension: 0.2 },
          { label: "Target", data: data.trend.target, borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0, stepped: true, fill: false }
        ]
      },
      options: { responsive: true, plugins: { tooltip: tooltip }, scales: { y: { beginAtZero: true, ticks: { callback: percent } } } }
    });
  }

  var ranking = document.getElementById("ranking-chart");
  if (ranking && data.ranking.labels.length) {
    ranking.parentNode.style.height = Math.max(160, 22 * data.ranking.labels.length + 60) + "px";
    new Chart(ranking, {
      type: "bar",
      data: {
        labels: data.ranking.labels,
        datasets: [
          { label: "Cakupan", data: data.ranking.coverage, backgroundColor: "#31a354" },
          { label: "Target", data: data.ranking.target, backgroundColor: "rgba(220,53,69,0.35)" }
        ]
      },
      options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, plugins: { tooltip: tooltip }, scales: { x: { beginAtZero: true, ticks: { callback: percent } } } }
    });
  }
})();
