// Draws the retention page's charts from the figures the server embedded; the tables below each
// chart carry the same numbers for readers without scripts.
(function () {
  var source = document.getElementById('retention-data');
  if (!source || typeof echarts === 'undefined') return;
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  var pct = function (x) { return x === null || x === undefined ? '' : (Math.round(x * 1000) / 10).toFixed(1) + '%'; };
  var axisPct = { type: 'value', min: 0, max: 1, axisLabel: { formatter: function (x) { return Math.round(x * 100) + '%'; } } };
  var charts = [];
  function draw(id, option, height) {
    var el = document.getElementById(id);
    if (!el) return;
    if (height) el.style.height = height + 'px';
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(option);
    el.setAttribute('data-drawn', 'true');
    charts.push(chart);
  }

  // The cohort table as a heatmap: cohorts down, windows across; open windows (null) are left out.
  var cells = [];
  data.cohorts.forEach(function (c, y) {
    c.values.forEach(function (v, x) { if (v !== null) cells.push([x, y, v]); });
  });
  draw('chart-heatmap', {
    tooltip: { formatter: function (p) { return data.cohorts[p.value[1]].label + ' · ' + L.windows[p.value[0]] + ': ' + pct(p.value[2]) + ' (' + data.cohorts[p.value[1]].size + ')'; } },
    grid: { left: 150, right: 20, top: 10, bottom: 90 },
    xAxis: { type: 'category', data: L.windows, splitArea: { show: true }, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'category', data: data.cohorts.map(function (c) { return c.label; }), inverse: true, splitArea: { show: true } },
    visualMap: { min: 0, max: 1, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#fff7ed', '#fb923c', '#7c2d12'] }, formatter: function (x) { return Math.round(x * 100) + '%'; } },
    series: [{ name: L.heatmap, type: 'heatmap', data: cells, label: { show: data.cohorts.length <= 30, formatter: function (p) { return pct(p.value[2]); } } }],
  }, Math.min(1200, 140 + 32 * Math.max(3, data.cohorts.length)));

  // D1/D7/D30/D90 curves, active and stayed per segment, with the targets dashed.
  var days = ['D1', 'D7', 'D30', 'D90'];
  var series = [];
  data.curves.forEach(function (c) {
    series.push({ name: c.segment + ' · ' + L.active, type: 'line', data: c.active, connectNulls: false, symbolSize: 8 });
    series.push({ name: c.segment + ' · ' + L.stayed, type: 'line', data: c.stayed, connectNulls: false, symbolSize: 8 });
  });
  [['active', L.active], ['stayed', L.stayed]].forEach(function (k) {
    if (data.targets[k[0]].some(function (x) { return x !== null; })) {
      series.push({ name: L.target + ' · ' + k[1], type: 'line', data: data.targets[k[0]], connectNulls: true, lineStyle: { type: 'dashed' }, symbol: 'diamond', itemStyle: { color: '#667085' } });
    }
  });
  draw('chart-curves', {
    tooltip: { trigger: 'axis', valueFormatter: pct },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 50, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: days },
    yAxis: axisPct,
    series: series,
  });

  // The weekly interaction rate against its target.
  var weekly = { name: L.rate, type: 'line', data: data.weekly.rates, connectNulls: false, areaStyle: { opacity: 0.15 } };
  if (data.weekly.target !== null) weekly.markLine = { symbol: 'none', lineStyle: { type: 'dashed', color: '#667085' }, label: { formatter: L.target + ' ' + pct(data.weekly.target) }, data: [{ yAxis: data.weekly.target }] };
  draw('chart-weekly', {
    tooltip: { trigger: 'axis', valueFormatter: pct },
    grid: { left: 50, right: 90, top: 20, bottom: 30 },
    xAxis: { type: 'category', data: data.weekly.weeks },
    yAxis: axisPct,
    series: [weekly],
  });

  // UGC by week: posts and shares stacked.
  draw('chart-ugc', {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 50, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: data.ugc.weeks },
    yAxis: { type: 'value' },
    series: [
      { name: L.posts, type: 'bar', stack: 'ugc', data: data.ugc.posts },
      { name: L.shares, type: 'bar', stack: 'ugc', data: data.ugc.shares },
    ],
  });

  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
})();
