import { Decimal } from '../../common/decimal';
import { formatMoney, formatUnrounded } from '../../common/money';
import { Formatter } from '../../notifications/templates/formatter';
import { escapeHtml } from '../../notifications/templates/html';
import { Language } from '../../notifications/templates/locale';
import { USAGE_PAGE_PATH } from '../../usage-links/usage-links.service';
import { CustomerRequest } from '../usage-requests.repository';
import { Calculator, MeterPanel, SubscriptionPanel, UsagePageView } from '../usage-page.service';
import { dailyChart } from './daily-chart';
import { pageDocument } from './page-layout';
import { PageMessages } from './page-messages';

/** How the page speaks to one customer: their words, their number and date formats, their link. */
export interface PageContext {
  language: Language;
  m: PageMessages;
  f: Formatter;
  /** The page's own path, `/usage/<token>`. */
  base: string;
}

export function pageBase(token: string): string {
  return `/${USAGE_PAGE_PATH}/${encodeURIComponent(token)}`;
}

const e = escapeHtml;

/**
 * A figure with, beside the formatted text, its value as the API writes it
 * (quantities and forecasts exact, invoice and quote amounts to the minor unit).
 */
function figure(name: string, value: Decimal | string, text: string): string {
  const exact = typeof value === 'string' ? value : value.toFixed();
  return `<span data-figure="${e(name)}" data-value="${e(exact)}">${e(text)}</span>`;
}

export function usagePage(
  view: UsagePageView,
  context: PageContext,
  requested: CustomerRequest | null,
): string {
  const { m, f } = context;
  const body = [
    `<h1>${e(m.title)}</h1>`,
    `<p class="lead">${e(m.lead(view.customer.name, f.date(view.asOf)))}</p>`,
    requested ? requestedNotice(requested, m) : '',
    `<p class="credit">${e(m.credit)}: ${
      view.credit
        ? figure(
            'creditBalance',
            formatUnrounded(view.credit.balance, view.credit.currency),
            f.money(view.credit.balance, view.credit.currency),
          )
        : e(m.noCredit)
    }</p>`,
    ...view.subscriptions.map((panel) => subscriptionSection(panel, context)),
    invoicesSection(view, context),
  ].join('\n');
  return pageDocument(context.language, m.title, body);
}

function requestedNotice(request: CustomerRequest, m: PageMessages): string {
  const text = request.planKey === null ? m.requested.topUp : m.requested.plan(request.planKey);
  return `<p class="notice" role="status" data-request="${e(request.id)}">${e(text)}</p>`;
}

function subscriptionSection(panel: SubscriptionPanel, context: PageContext): string {
  const { m, f } = context;
  const bill = panel.projectedBill;
  const money = (amount: Decimal) => f.money(amount, panel.currency);
  return `<section class="subscription" data-subscription="${e(panel.subscriptionId)}">
<h2>${e(m.plan(panel.planKey, panel.version))}</h2>
<p>${e(m.period(f.date(panel.interval.start), f.date(new Date(panel.interval.end.getTime() - 1))))}</p>
<table class="meters">
<thead><tr><th>${e(m.columns.meter)}</th><th>${e(m.columns.used)}</th><th>${e(m.columns.limit)}</th><th>${e(m.columns.projected)}</th><th>${e(m.columns.band)}</th><th>${e(m.columns.limitDay)}</th></tr></thead>
<tbody>
${panel.meters.map((meter) => meterRow(meter, panel, context)).join('\n')}
</tbody>
</table>
<div class="charts">
${panel.meters.map((meter) => `<figure><figcaption>${e(m.chart(meter.name))}</figcaption>${dailyChart(meter, panel.interval, m.chart(meter.name))}</figure>`).join('\n')}
<p class="legend"><span class="key bar"></span>${e(m.chartLegend.usage)} <span class="key limit"></span>${e(m.chartLegend.limit)} <span class="key band"></span>${e(m.chartLegend.projected)}</p>
</div>
<dl class="bill">
<dt>${e(m.projectedBill)}</dt><dd>${figure('projectedBill', bill.expected, money(bill.expected))} <span class="band">(${figure('projectedBillLow', bill.low, money(bill.low))} – ${figure('projectedBillHigh', bill.high, money(bill.high))})</span></dd>
<dt>${e(m.billSoFar)}</dt><dd>${figure('billSoFar', panel.billSoFar, money(panel.billSoFar))}</dd>
</dl>
${calculatorSection(panel, context)}
</section>`;
}

function meterRow(meter: MeterPanel, panel: SubscriptionPanel, context: PageContext): string {
  const { m, f } = context;
  const quantity = (name: string, value: Decimal) =>
    figure(name, value, f.quantity(value, meter.unit));
  // A forecast is an estimate: shown to two decimals, its exact value kept in data-value.
  const estimate = (name: string, value: Decimal) =>
    figure(name, value, f.quantity(value.toDecimalPlaces(2), meter.unit));
  const crossing = meter.limitCrossing;
  const limitDay =
    meter.limit === null || crossing === null
      ? e(m.limit.none)
      : crossing.status === 'reached'
        ? e(m.limit.reached)
        : crossing.status === 'projected'
          ? `<time data-figure="limitReachedAt" datetime="${crossing.at.toISOString()}">${e(m.limit.on(f.date(crossing.at)))}</time>`
          : e(m.limit.notBefore(f.date(new Date(panel.interval.end.getTime() - 1))));
  return `<tr data-meter="${e(meter.key)}"><th scope="row">${e(meter.name)}</th><td>${quantity('quantity', meter.quantity)}</td><td>${meter.limit === null ? e(m.limit.none) : quantity('limit', meter.limit)}</td><td>${estimate('projected', meter.projected.expected)}</td><td>${estimate('projectedLow', meter.projected.low)} – ${estimate('projectedHigh', meter.projected.high)}</td><td>${limitDay}</td></tr>`;
}

function calculatorSection(panel: SubscriptionPanel, context: PageContext): string {
  const { m, base } = context;
  const calculator = panel.calculator;
  const subscription = `<input type="hidden" name="subscription" value="${e(panel.subscriptionId)}">`;
  const inputs = calculator.usage
    .map(
      (usage) =>
        `<label>${e(usage.name)}${usage.unit ? ` (${e(usage.unit)})` : ''} <input name="usage.${e(usage.meterKey)}" inputmode="decimal" pattern="[0-9]+([.][0-9]+)?" required value="${e(usage.quantity.toFixed())}"></label>`,
    )
    .join('\n');
  return `<section class="calculator">
<h3>${e(m.calculator.title)}</h3>
<p>${e(m.calculator.intro)}</p>
<form method="get" action="${e(base)}" data-calculator="${e(base)}/calculator">
${subscription}
${inputs}
<button type="submit">${e(m.calculator.recalculate)}</button>
</form>
<table class="plans">
<thead><tr><th>${e(m.calculator.plan)}</th><th>${e(m.calculator.price)}</th><th></th></tr></thead>
<tbody data-plans>
${planRows(calculator, panel, context)}
</tbody>
</table>
<form method="post" action="${e(base)}/requests" class="top-up">
${subscription}<input type="hidden" name="kind" value="credit_top_up">
<p>${e(m.calculator.topUpText)} <button type="submit">${e(m.calculator.topUp)}</button></p>
</form>
</section>`;
}

/** The calculator's rows; the page's script replaces them with the same rows for edited figures. */
export function planRows(
  calculator: Calculator,
  panel: { subscriptionId: string; currency: string },
  context: PageContext,
): string {
  const { m, f, base } = context;
  return calculator.plans
    .map((plan) => {
      const badges = [
        plan.current ? `<span class="badge">${e(m.calculator.current)}</span>` : '',
        plan.recommended
          ? `<span class="badge recommended">${e(m.calculator.recommended)}</span>`
          : '',
      ].join(' ');
      const ask = plan.current
        ? ''
        : `<form method="post" action="${e(base)}/requests"><input type="hidden" name="subscription" value="${e(panel.subscriptionId)}"><input type="hidden" name="kind" value="plan_change"><input type="hidden" name="plan" value="${e(plan.planKey)}"><button type="submit">${e(m.calculator.ask)}</button></form>`;
      const price = `${f.money(plan.total, panel.currency)} ${m.calculator.every(plan.serviceInterval.count, plan.serviceInterval.unit)}`;
      return `<tr data-plan="${e(plan.planKey)}" data-version="${plan.version}"><th scope="row">${e(plan.planKey)} ${badges}</th><td>${figure('planTotal', formatMoney(plan.total, panel.currency), price)}</td><td>${ask}</td></tr>`;
    })
    .join('\n');
}

function invoicesSection(view: UsagePageView, context: PageContext): string {
  const { m, f, base } = context;
  if (view.invoices.length === 0)
    return `<section class="invoices"><h2>${e(m.invoices)}</h2><p>${e(m.noInvoices)}</p></section>`;
  const rows = view.invoices
    .map((invoice) => {
      const status = invoice.status === 'void' ? m.status.void : m.status.finalized;
      const end = new Date(invoice.period.end.getTime() - 1);
      return `<tr data-invoice="${e(invoice.id ?? '')}"><td><a href="${e(base)}/invoices/${e(invoice.id ?? '')}">${e(invoice.number ?? '')}</a></td><td>${e(f.date(invoice.period.start))} – ${e(f.date(end))}</td><td>${figure(
        'invoiceTotal',
        formatMoney(invoice.total, invoice.currency),
        f.money(invoice.total, invoice.currency),
      )}</td><td>${e(status)}</td></tr>`;
    })
    .join('\n');
  return `<section class="invoices">
<h2>${e(m.invoices)}</h2>
<table>
<thead><tr><th>${e(m.invoiceColumns.number)}</th><th>${e(m.invoiceColumns.period)}</th><th>${e(m.invoiceColumns.total)}</th><th>${e(m.invoiceColumns.status)}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}
