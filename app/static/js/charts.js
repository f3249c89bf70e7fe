// Draws the dashboard's stacked bar charts from the summary API. The tables beside them hold the same figures.
const STATUSES = [
  { key: "completed", label: "COMPLETED", colour: "#0f7a52" },
  { key: "in_progress", label: "IN PROGRESS", colour: "#f47738" },
  { key: "static", label: "STATIC", colour: "#ca3535" },
];

const charts = new Map();

function roman(number) {
  const numerals = [[10, "x"], [9, "ix"], [5, "v"], [4, "iv"], [1, "i"]];
  let out = "";
  for (const [value, numeral] of numerals) {
    while (number >= value) {
      out += numeral;
      number -= value;
    }
  }
  return out;
}

// Update the chart on this canvas in place, or draw it anew when htmx has swapped the canvas out.
function upsert(canvas, labels, datasets, config) {
  const existing = charts.get(canvas.id);
  if (existing && existing.canvas === canvas) {
    existing.data.labels = labels;
    existing.data.datasets.forEach((dataset, i) => {
      dataset.data = datasets[i].data;
    });
    existing.update();
    return;
  }
  existing?.destroy();
  charts.set(canvas.id, new window.Chart(canvas, { ...config, data: { labels, datasets } }));
  canvas.closest(".app-chart")?.classList.add("app-chart--drawn");
}

function draw(canvas, summary) {
  const kind = canvas.dataset.chart;
  const labels = summary.work_streams.map((ws) => `${roman(ws.number)}`);
  const datasets = STATUSES.map((status) => ({
    label: status.label,
    data: summary.work_streams.map((ws) => ws[kind][status.key]),
    backgroundColor: status.colour,
    borderColor: "#0b0c0c",
    borderWidth: 1,
  }));
  upsert(canvas, labels, datasets, {
    type: "bar",
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true, title: { display: true, text: "Work stream" } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: kind === "actions" ? "Actions" : "Measures" } },
      },
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            title: (items) => {
              const ws = summary.work_streams[items[0].dataIndex];
              return `${roman(ws.number)}. ${ws.title}`;
            },
          },
        },
      },
    },
  });
}

export async function drawCharts(scope) {
  drawTrend(scope);
  const canvases = scope.querySelectorAll ? scope.querySelectorAll("canvas[data-chart]") : [];
  if (!canvases.length || !window.Chart) {
    return;
  }
  const holder = document.querySelector("[data-summary-url]");
  if (!holder) {
    return;
  }
  const response = await fetch(holder.dataset.summaryUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) {
    return;
  }
  const summary = await response.json();
  canvases.forEach((canvas) => draw(canvas, summary));
  document.dispatchEvent(new CustomEvent("app:charts-drawn"));
}

document.addEventListener("app:plan-changed", () => drawCharts(document));

async function drawTrend(scope) {
  const canvas = scope.querySelector ? scope.querySelector("canvas[data-trend-url]") : null;
  if (!canvas || !window.Chart) {
    return;
  }
  const response = await fetch(canvas.dataset.trendUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) {
    return;
  }
  const trend = await response.json();
  const labels = trend.monthly.map((point) => point.label);
  const datasets = STATUSES.map((status) => ({
    label: status.label,
    data: trend.monthly.map((point) => point[status.key]),
    borderColor: status.colour,
    backgroundColor: status.colour,
    pointStyle: { completed: "circle", in_progress: "triangle", static: "rect" }[status.key],
    pointRadius: 5,
  }));
  upsert(canvas, labels, datasets, {
    type: "line",
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Actions" } } },
      plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } },
    },
  });
}

