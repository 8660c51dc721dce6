import { Decimal } from '../../common/decimal';
import { formatMoney } from '../../common/money';
import { CustomerRecord } from '../../customers/customer.repository';
import { InvoiceView } from '../../invoicing/invoice-view';
import { escapeHtml } from '../../notifications/templates/html';
import { pageDocument } from './page-layout';
import { PageContext } from './usage-page.html';

const e = escapeHtml;

/** An invoice as a printable page: the lines and totals the API returns, in the customer's locale. */
export function invoicePage(
  invoice: InvoiceView,
  customer: CustomerRecord,
  context: PageContext,
): string {
  const { m, f, base } = context;
  const money = (amount: Decimal) => e(f.money(amount, invoice.currency));
  const title = m.invoice.title(invoice.number ?? '');
  const lines = invoice.lines
    .map(
      (line) =>
        `<tr><td>${e(line.description)}</td><td class="number">${line.quantity === null ? '' : e(f.quantity(line.quantity, null))}</td><td class="number">${line.unitAmount === null ? '' : money(line.unitAmount)}</td><td class="number" data-value="${e(formatMoney(line.amount, invoice.currency))}">${money(line.amount)}</td></tr>`,
    )
    .join('\n');
  const total = (label: string, amount: Decimal, name: string) =>
    `<tr><th colspan="3" scope="row">${e(label)}</th><td class="number" data-figure="${name}" data-value="${e(formatMoney(amount, invoice.currency))}">${money(amount)}</td></tr>`;
  const body = `<nav class="no-print"><a href="${e(base)}">${e(m.invoice.back)}</a> <button type="button" data-print>${e(m.invoice.print)}</button></nav>
<article class="invoice">
<h1>${e(title)}</h1>
<p>${e(m.invoice.billTo)}: ${e(customer.name)}</p>
<p>${e(m.invoiceColumns.period)}: ${e(f.date(invoice.period.start))} – ${e(f.date(new Date(invoice.period.end.getTime() - 1)))}${invoice.finalizedAt ? ` · ${e(m.invoice.issued)} ${e(f.date(invoice.finalizedAt))}` : ''}${invoice.status === 'void' ? ` · ${e(m.status.void)}` : ''}</p>
<table>
<thead><tr><th>${e(m.invoice.description)}</th><th>${e(m.invoice.quantity)}</th><th>${e(m.invoice.unitPrice)}</th><th>${e(m.invoice.amount)}</th></tr></thead>
<tbody>
${lines}
</tbody>
<tfoot>
${total(m.invoice.subtotal, invoice.subtotal, 'subtotal')}
${total(m.invoice.credits, invoice.creditsApplied, 'creditsApplied')}
${total(m.invoice.tax, invoice.tax, 'tax')}
${total(m.invoice.total, invoice.total, 'total')}
</tfoot>
</table>
</article>`;
  return pageDocument(context.language, title, body);
}
