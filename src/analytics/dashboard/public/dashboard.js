/*
 * The leadership dashboard. Every figure comes from the service's API, read
 * with the viewer's key (scope `read`) in an Authorization header; the key is
 * kept in sessionStorage only. The API sends amounts as decimal strings: they
 * are parsed to numbers only to plot and format them; sums are exact (addDecimals).
 */
'use strict';

const KEY_STORAGE = 'usage-revenue-dashboard-key';
const RANGE_MONTHS = 18;
const LATEST_ALERTS = 12;
const PIPELINE_ROWS = 10;
const body = document.body;

function $(selector) {
  return document.querySelector(selector);
}

function addMonths(month, delta) {
  const [year, m] = month.split('-').map(Number);
  const index = year * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Exact sum of decimal strings, so the pipeline total is not subject to float rounding. */
function addDecimals(values) {
  const scale = Math.max(0, ...values.map((v) => (v.split('.')[1] || '').length));
  const scaled = values.map((v) => {
    const negative = v.startsWith('-');
    const [whole, fraction = ''] = v.replace('-', '').split('.');
    const n = BigInt(whole + fraction.padEnd(scale, '0'));
    return negative ? -n : n;
  });
  const total = scaled.reduce((a, b) => a + b, 0n);
  const digits = (total < 0n ? -total : total).toString().padStart(scale + 1, '0');
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return total < 0n ? `-${text}` : text;
}

class KeyRejected extends Error {}

async function api(path) {
  const response = await fetch(path, {
    headers: {
      Authorization: `Bearer ${sessionStorage.getItem(KEY_STORAGE)}`,
      Accept: 'application/json',
    },
  });
  if (response.status === 401 || response.status === 403)
    throw new KeyRejected((await response.json()).error.message);
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return response.json();
}

// ---- formatting -------------------------------------------------------------

let currency = 'USD';
const money = (value) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0 }).format(
    Number(value),
  );
const percent = (value) =>
  value === null || value === undefined ? '–' : `${Number(value).toFixed(1)} %`;
const date = (iso) => iso.slice(0, 10);

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function row(cells) {
  const tr = document.createElement('tr');
  tr.append(...cells);
  return tr;
}

function emptyRow(table, columns, text) {
  const td = cell(text, 'empty');
  td.colSpan = columns;
  $(`${table} tbody`).append(row([td]));
}

// ---- charts -----------------------------------------------------------------

/** Draws a chart and records what it plotted on the canvas, so a test can compare it with the API. */
function draw(canvas, labels, datasets, options) {
  canvas.dataset.plotted = JSON.stringify({
    labels,
    datasets: Object.fromEntries(datasets.map((d) => [d.key, d.data])),
  });
  return new Chart(canvas, {
    data: { labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      ...options,
    },
  });
}

function drawMrr(months) {
  const labels = months.map((m) => m.month);
  const series = (field, sign = 1) => months.map((m) => sign * Number(m[field]));
  const bar = (key, label, color, sign) => ({
    key,
    type: 'bar',
    label,
    data: series(key, sign),
    backgroundColor: color,
    stack: 'movements',
    yAxisID: 'y',
  });
  draw(
    $('#mrr-chart'),
    labels,
    [
      {
        key: 'closingMrr',
        type: 'line',
        label: 'Closing MRR',
        data: series('closingMrr'),
        borderColor: '#1f2933',
        backgroundColor: '#1f2933',
        yAxisID: 'y1',
        tension: 0.2,
        order: -1,
      },
      bar('new', 'New', '#2f9e44'),
      bar('expansion', 'Expansion', '#8ce99a'),
      bar('reactivated', 'Reactivated', '#4dabf7'),
      bar('contraction', 'Contraction', '#ffa94d', -1),
      bar('churned', 'Churned', '#e03131', -1),
    ],
    {
      scales: {
        x: { stacked: true },
        y: { stacked: true, title: { display: true, text: `Movements (${currency})` } },
        y1: {
          position: 'right',
          beginAtZero: true,
          grid: { drawOnChartArea: false },
          title: { display: true, text: `MRR (${currency})` },
        },
      },
    },
  );
}

function drawRetention(points) {
  const line = (key, label, color) => ({
    key,
    type: 'line',
    label,
    data: points.map((p) => (p[key] === null ? null : Number(p[key]))),
    borderColor: color,
    backgroundColor: color,
    tension: 0.2,
    spanGaps: false,
  });
  draw(
    $('#retention-chart'),
    points.map((p) => p.month),
    [
      line('nrr', 'NRR', '#1971c2'),
      line('grr', 'GRR', '#e8590c'),
      line('logoRetention', 'Logo retention', '#868e96'),
    ],
    { scales: { y: { title: { display: true, text: '%' } } } },
  );
}

// ---- sections ---------------------------------------------------------------

function kpis(latest, retention, pipelineTotal) {
  const last = retention.filter((p) => p.nrr !== null).pop();
  const tiles = [
    ['MRR', latest ? money(latest.closingMrr) : '–'],
    ['Active customers', latest ? String(latest.customers.active) : '–'],
    [
      'Quick ratio',
      latest && latest.quickRatio !== null ? Number(latest.quickRatio).toFixed(2) : '–',
    ],
    ['NRR', percent(last && last.nrr)],
    ['GRR', percent(last && last.grr)],
    ['Open pipeline (ARR)', money(pipelineTotal)],
  ];
  $('#kpis').replaceChildren(
    ...tiles.map(([label, value]) => {
      const tile = document.createElement('div');
      tile.className = 'kpi';
      tile.innerHTML = '<div class="label"></div><div class="value"></div>';
      tile.querySelector('.label').textContent = label;
      tile.querySelector('.value').textContent = value;
      return tile;
    }),
  );
}

/** White at 0 %, deep green at 100 % and above, so strong cohorts stand out. */
function heat(retention) {
  const share = Math.max(0, Math.min(Number(retention) / 120, 1));
  return `hsl(140, 55%, ${Math.round(97 - share * 55)}%)`;
}

function drawCohorts(cohorts) {
  const maxOffset = Math.max(0, ...cohorts.flatMap((c) => c.months.map((m) => m.offset)));
  const titles = ['Cohort', 'Customers', 'Starting MRR'];
  for (let offset = 0; offset <= maxOffset; offset += 1) titles.push(`M${offset}`);
  const head = row(
    titles.map((title) => {
      const th = document.createElement('th');
      th.textContent = title;
      return th;
    }),
  );
  $('#cohort-table thead').replaceChildren(head);
  for (const cohort of cohorts) {
    const tr = row([
      cell(cohort.cohort, 'label'),
      cell(String(cohort.customers), 'num'),
      cell(money(cohort.startingMrr), 'num'),
    ]);
    const byOffset = new Map(cohort.months.map((m) => [m.offset, m]));
    for (let offset = 0; offset <= maxOffset; offset += 1) {
      const month = byOffset.get(offset);
      const td = cell(month ? `${Number(month.revenueRetention).toFixed(0)}%` : '');
      if (month) {
        td.style.background = heat(month.revenueRetention);
        td.dataset.value = month.revenueRetention;
        td.title = `${cohort.cohort} +${offset}: revenue ${month.revenueRetention} %, logos ${month.logoRetention} %, MRR ${month.mrr}`;
      }
      tr.append(td);
    }
    $('#cohort-table tbody').append(tr);
  }
  if (!cohorts.length) emptyRow('#cohort-table', 1, 'No cohorts in this range.');
}

/**
 * The open pipeline: per subscription, its latest alert carrying a plan
 * recommendation, when that recommendation is an upgrade (a later "stay" closes it).
 */
function openPipeline(alerts) {
  const latest = new Map();
  for (const alert of alerts) {
    const recommendation = alert.details && alert.details.recommendation;
    if (!recommendation || latest.has(alert.subscriptionId)) continue;
    latest.set(alert.subscriptionId, { alert, recommendation });
  }
  return [...latest.values()]
    .filter(
      ({ recommendation }) => recommendation.action === 'upgrade' && recommendation.recommendedPlan,
    )
    .sort(
      (a, b) =>
        Number(b.recommendation.incrementalAnnualRevenue) -
        Number(a.recommendation.incrementalAnnualRevenue),
    );
}

/** Each pipeline customer's deal stages as the CRM holds them (read back by the outcome job). */
async function dealStages(customerIds) {
  if (!customerIds.length) return new Map();
  const query = customerIds.map((id) => `customerExternalId=${encodeURIComponent(id)}`).join('&');
  const { data } = await api(`/v1/crm/deal-stages?${query}`);
  const stages = new Map();
  for (const deal of data)
    if (!stages.has(deal.customerExternalId)) stages.set(deal.customerExternalId, deal);
  return stages;
}

function drawPipeline(pipeline, names, stages) {
  const table = $('#pipeline-table');
  table.dataset.total = addDecimals(pipeline.map((p) => p.recommendation.incrementalAnnualRevenue));
  for (const { alert, recommendation } of pipeline.slice(0, PIPELINE_ROWS)) {
    const plan = (p) => `${p.plan} v${p.version}`;
    const tr = row([
      cell(names.get(alert.customerExternalId) || alert.customerExternalId),
      cell(plan(recommendation.currentPlan)),
      cell(plan(recommendation.recommendedPlan)),
      cell(money(recommendation.incrementalAnnualRevenue), 'num'),
      cell(date(alert.firedAt)),
      cell(stages.get(alert.customerExternalId)?.stage ?? 'not in CRM yet'),
    ]);
    tr.dataset.subscriptionId = alert.subscriptionId;
    tr.title = recommendation.summary;
    table.querySelector('tbody').append(tr);
  }
  if (pipeline.length > PIPELINE_ROWS)
    emptyRow('#pipeline-table', 6, `and ${pipeline.length - PIPELINE_ROWS} more (largest first)`);
  if (!pipeline.length) emptyRow('#pipeline-table', 6, 'No open upgrade recommendations.');
}

function drawAlerts(alerts, names) {
  for (const alert of alerts) {
    const tr = row([
      cell(alert.firedAt.slice(0, 16).replace('T', ' ')),
      cell(names.get(alert.customerExternalId) || alert.customerExternalId),
      cell(alert.rule.replace(/_/g, ' ')),
      cell(alert.meter || ''),
      cell(alert.level ? `${alert.level} %` : '', 'num'),
      cell(
        alert.quantity && alert.limit ? `${alert.quantity} / ${alert.limit}` : alert.amount || '',
        'num',
      ),
      cell(alert.channels.join(', ')),
    ]);
    tr.dataset.alertId = alert.id;
    $('#alerts-table tbody').append(tr);
  }
  if (!alerts.length) emptyRow('#alerts-table', 7, 'No alerts yet.');
}

function drawQuotaHits(hits, names) {
  for (const hit of hits) {
    $('#quota-hits-table tbody').append(
      row([
        cell(hit.reachedAt.slice(0, 16).replace('T', ' ')),
        cell(names.get(hit.customerExternalId) || hit.customerExternalId),
        cell(hit.meter),
        cell(
          `${hit.window} (${hit.alignment}, ${hit.kind}) from ${hit.windowStart.slice(0, 16).replace('T', ' ')}`,
        ),
        cell(hit.quantity, 'num'),
        cell(hit.peak, 'num'),
        cell(hit.refused, 'num'),
      ]),
    );
  }
  if (!hits.length) emptyRow('#quota-hits-table', 7, 'No quota reached in the last 7 days.');
}

async function customerNames(ids) {
  const names = new Map();
  await Promise.all(
    [...new Set(ids)].map(async (id) => {
      names.set(id, (await api(`/v1/customers/${encodeURIComponent(id)}`)).name);
    }),
  );
  return names;
}

// ---- loading ----------------------------------------------------------------

/** By default the 18 months before the service's current month, which is still being billed. */
function range() {
  const query = new URLSearchParams(location.search);
  const to = query.get('to') || addMonths(body.dataset.currentMonth, -1);
  return { from: query.get('from') || addMonths(to, 1 - RANGE_MONTHS), to };
}

/**
 * Trailing-12-month retention for each month of the range whose base month
 * (12 months earlier) has revenue; the movements are read 12 months further
 * back to know it, and months without such a base are left as gaps.
 */
async function retentionSeries(from, to, history) {
  const firstRevenue = history.find((m) => Number(m.closingMrr) > 0);
  const points = [];
  for (let month = from; month <= to; month = addMonths(month, 1))
    points.push({ month, nrr: null, grr: null, logoRetention: null });
  await Promise.all(
    points.map(async (point) => {
      if (!firstRevenue || addMonths(point.month, -12) < firstRevenue.month) return;
      Object.assign(point, await api(`/v1/analytics/retention?month=${point.month}`));
    }),
  );
  return points;
}

async function load() {
  const { from, to } = range();
  $('#range').textContent = `${from} to ${to}`;
  const [movements, cohorts, alerts, quotaHits] = await Promise.all([
    api(`/v1/analytics/mrr-movements?from=${addMonths(from, -12)}&to=${to}`),
    api(`/v1/analytics/cohorts?from=${from}&to=${to}`),
    api('/v1/alerts'),
    api(`/v1/quota-hits?limit=${LATEST_ALERTS}`),
  ]);
  currency = movements.currency;
  const shown = movements.months.filter((m) => m.month >= from);
  const retention = await retentionSeries(from, to, movements.months);
  const recent = alerts.data.sort((a, b) => b.firedAt.localeCompare(a.firedAt));
  const pipeline = openPipeline(recent);
  const latestAlerts = recent.slice(0, LATEST_ALERTS);
  const names = await customerNames([
    ...pipeline.map((p) => p.alert.customerExternalId),
    ...latestAlerts.map((a) => a.customerExternalId),
    ...quotaHits.data.map((hit) => hit.customerExternalId),
  ]);

  $('#content').hidden = false;
  kpis(
    shown[shown.length - 1],
    retention,
    addDecimals(pipeline.map((p) => p.recommendation.incrementalAnnualRevenue)),
  );
  drawMrr(shown);
  drawRetention(retention);
  $('#retention-note').textContent = retention.some((p) => p.nrr !== null)
    ? ''
    : 'Needs 13 months of revenue history.';
  drawCohorts(cohorts.cohorts);
  drawPipeline(
    pipeline,
    names,
    await dealStages(pipeline.slice(0, PIPELINE_ROWS).map((p) => p.alert.customerExternalId)),
  );
  drawAlerts(latestAlerts, names);
  drawQuotaHits(quotaHits.data, names);
  body.dataset.state = 'ready';
}

function askForKey(message) {
  sessionStorage.removeItem(KEY_STORAGE);
  $('#content').hidden = true;
  $('#forget-key').hidden = true;
  $('#key-form').hidden = false;
  $('#key-error').textContent = message || '';
  body.dataset.state = 'needs-key';
}

async function start() {
  const query = new URLSearchParams(location.search);
  if (query.has('key')) {
    sessionStorage.setItem(KEY_STORAGE, query.get('key'));
    // Keep the key out of the address bar and the history.
    query.delete('key');
    history.replaceState(null, '', `${location.pathname}${query.size ? `?${query}` : ''}`);
  }
  if (!sessionStorage.getItem(KEY_STORAGE)) return askForKey();
  $('#key-form').hidden = true;
  $('#forget-key').hidden = false;
  try {
    await load();
  } catch (error) {
    if (error instanceof KeyRejected) return askForKey(error.message);
    $('#error').hidden = false;
    $('#error').textContent = `Could not load the dashboard: ${error.message}`;
    body.dataset.state = 'error';
  }
}

$('#key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY_STORAGE, $('#key-input').value.trim());
  start();
});
$('#forget-key').addEventListener('click', () => askForKey());
start();
