// Charts of the feedback page (Chart.js from /static/vendor, installed from the npm registry by `make web`).
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  var colours = ["#0b4a8b", "#c8102e", "#f2b705", "#2e8540"];

  function datasets(list, fill) {
    return list.map(function (set, i) {
      return { label: set.label, data: set.data, backgroundColor: colours[i % colours.length],
               borderColor: colours[i % colours.length], fill: fill, tension: 0.2 };
    });
  }

  function options(title, stacked) {
    return { responsive: true, maintainAspectRatio: false, animation: false,
             plugins: { title: { display: true, text: title } },
             scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } } } };
  }

  new window.Chart(document.getElementById("chart-feedback"), {
    type: "bar", data: { labels: data.labels, datasets: datasets(data.feedback, false) },
    options: options(data.titles.feedback, true)
  });
  new window.Chart(document.getElementById("chart-questions"), {
    type: "line", data: { labels: data.labels, datasets: datasets(data.questions, false) },
    options: options(data.titles.questions, false)
  });
})();
