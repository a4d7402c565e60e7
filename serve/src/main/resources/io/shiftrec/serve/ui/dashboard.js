// ShiftRec dashboard: draws the interest timelines (uPlot) from their data-timeline attribute, on the first page
// and in every part htmx swaps in. Served from the jar under /ui/assets/; the pages hold no script of their own (CSP).
(function () {
  "use strict";

  var COLOURS = ["#1f5fbf", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207", "#be185d"];
  // a second cue besides colour: lanes also differ in dash pattern, and the axis names each lane
  var DASHES = [[], [8, 4], [2, 4], [12, 4, 2, 4]];
  var DAY = 86400;

  // a long label shortened in its words, keeping the interest's number and whether it faded
  function short(label) {
    var parts = /^(.*?)( #\d+)?( \(faded\))?$/.exec(label);
    var words = parts[1].length > 24 ? parts[1].slice(0, 23) + "…" : parts[1];
    return words + (parts[2] || "") + (parts[3] || "");
  }

  // room for the longest lane label beside the plot
  function labelWidth(labels) {
    var ctx = document.createElement("canvas").getContext("2d");
    ctx.font = "12px system-ui, sans-serif";
    var widest = 0;
    labels.forEach(function (l) { widest = Math.max(widest, ctx.measureText(short(l)).width); });
    return Math.min(300, Math.ceil(widest) + 24);
  }

  function draw(el) {
    if (el.getAttribute("data-drawn") === "1" || typeof uPlot === "undefined") return;
    el.setAttribute("data-drawn", "1");
    var data = JSON.parse(el.getAttribute("data-timeline"));
    if (!data.lanes.length) {
      el.textContent = "No interests to draw yet.";
      return;
    }
    var xs = [];
    data.lanes.forEach(function (lane) { xs.push(lane.from, lane.to); });
    data.migrations.forEach(function (m) { xs.push(m.at); });
    xs = Array.from(new Set(xs)).sort(function (a, b) { return a - b; });
    var lo = xs[0], hi = xs[xs.length - 1];
    var pad = hi > lo ? (hi - lo) * 0.05 : (data.timed ? DAY : 1);

    // the first lane (the largest share) on top
    var lanes = data.lanes.length;
    var columns = [xs];
    var series = [{}];
    var ends = [null];
    data.lanes.forEach(function (lane, i) {
      var y = lanes - 1 - i;
      columns.push(xs.map(function (x) { return x >= lane.from && x <= lane.to ? y : null; }));
      ends.push([xs.indexOf(lane.from), xs.indexOf(lane.to)]);
      var colour = COLOURS[i % COLOURS.length];
      series.push({
        label: lane.label,
        stroke: colour,
        width: 2 + Math.round(10 * lane.share),
        dash: DASHES[i % DASHES.length],
        spanGaps: false,
        // a dot at the interest's first and last event only
        points: { show: true, size: 9, fill: colour, stroke: colour,
          filter: function (u, s) { return ends[s]; } }
      });
    });

    // a band above the lanes holds the migration marks (M1, M2, …), which the list below the plot names
    var band = data.migrations.length ? 0.7 : 0;
    var opts = {
      width: Math.max(320, el.clientWidth || 640),
      height: 70 + 42 * (lanes + band),
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: data.timed, range: function () { return [lo - pad, hi + pad]; } },
        y: { range: function () { return [-0.6, lanes - 0.4 + band]; } }
      },
      axes: [
        {
          // dates as the tables write them (ISO, UTC), positions as numbers; room for each
          space: data.timed ? 110 : 50,
          values: function (u, splits) {

            return splits.map(function (v) {
              return data.timed ? new Date(v * 1000).toISOString().slice(0, 10) : String(Math.round(v));
            });
          }
        },
        {
          size: labelWidth(data.lanes.map(function (l) { return l.label; })),
          splits: function () { return data.lanes.map(function (_, i) { return i; }); },
          values: function (u, splits) {
            return splits.map(function (v) {
              var lane = data.lanes[lanes - 1 - v];
              return lane ? short(lane.label) : "";
            });
          }
        }
      ],
      series: series,
      hooks: { draw: [function (u) { migrations(u, data.migrations); }] }
    };
    var plot = new uPlot(opts, columns, el);
    window.addEventListener("resize", function () {
      plot.setSize({ width: Math.max(320, el.clientWidth || 640), height: opts.height });
    });
  }

  // A dashed vertical line at each migration, marked M1, M2, … at its top as the list below the plot is.
  function migrations(u, list) {
    var ctx = u.ctx, ratio = window.devicePixelRatio || 1;
    ctx.save();
    ctx.strokeStyle = "#1d2430";
    ctx.fillStyle = "#1d2430";
    ctx.lineWidth = ratio;
    ctx.setLineDash([5 * ratio, 4 * ratio]);
    ctx.font = (12 * ratio) + "px system-ui, sans-serif";
    ctx.font = "bold " + (12 * ratio) + "px system-ui, sans-serif";
    var lastEnd = -Infinity, row = 0;
    list.forEach(function (m, k) {
      var x = u.valToPos(m.at, "x", true);
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top + 18 * ratio);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      var text = "M" + (k + 1);
      var width = ctx.measureText(text).width;
      var tx = Math.min(x - width / 2, u.bbox.left + u.bbox.width - width);
      row = tx < lastEnd + 4 * ratio ? row + 1 : 0; // marks close in time step down rather than overlap
      lastEnd = tx + width;
      ctx.fillText(text, tx, u.bbox.top + (13 + 13 * (row % 2)) * ratio);
    });
    ctx.restore();
  }

  function init(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("[data-timeline]")) draw(scope);
    scope.querySelectorAll("[data-timeline]").forEach(draw);
  }

  // after an event is stored, the form is emptied for the next one
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail && e.detail.elt;
    var ok = e.detail && e.detail.xhr && e.detail.xhr.status >= 200 && e.detail.xhr.status < 300;
    if (ok && form && form.matches && form.matches("form[data-reset]")) form.reset();

  });

  if (window.htmx) {
    window.htmx.onLoad(init);
  } else {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  }
})();
