import { CalendarUnit } from '../../common/period';
import { Language } from '../../notifications/templates/locale';

/** Every word of the usage page and the invoice page, in one language. */
export interface PageMessages {
  title: string;
  lead(name: string, asOf: string): string;
  plan(planKey: string, version: number): string;
  period(start: string, end: string): string;
  columns: {
    meter: string;
    used: string;
    limit: string;
    projected: string;
    band: string;
    limitDay: string;
  };
  between(low: string, high: string): string;
  limit: {
    reached: string;
    on(date: string): string;
    notBefore(date: string): string;
    none: string;
  };
  chart(meter: string): string;
  chartLegend: { usage: string; limit: string; projected: string };
  projectedBill: string;
  billSoFar: string;
  credit: string;
  noCredit: string;
  invoices: string;
  noInvoices: string;
  invoiceColumns: { number: string; period: string; total: string; status: string };
  view: string;
  status: Record<'finalized' | 'void', string>;
  calculator: {
    title: string;
    intro: string;
    recalculate: string;
    plan: string;
    price: string;
    current: string;
    recommended: string;
    ask: string;
    topUp: string;
    topUpText: string;
    every(count: number, unit: CalendarUnit): string;
  };
  requested: { plan(plan: string): string; topUp: string };
  invoice: {
    title(number: string): string;
    billTo: string;
    issued: string;
    description: string;
    quantity: string;
    unitPrice: string;
    amount: string;
    subtotal: string;
    credits: string;
    tax: string;
    total: string;
    print: string;
    back: string;
  };
  notFound: { title: string; text: string };
  tooMany: { title: string; text: string };
}

const EN_UNITS: Record<CalendarUnit, [string, string]> = {
  hour: ['hour', 'hours'],
  day: ['day', 'days'],
  week: ['week', 'weeks'],
  month: ['month', 'months'],
  quarter: ['quarter', 'quarters'],
  year: ['year', 'years'],
};
const FR_UNITS: Record<CalendarUnit, [string, string]> = {
  hour: ['heure', 'heures'],
  day: ['jour', 'jours'],
  week: ['semaine', 'semaines'],
  month: ['mois', 'mois'],
  quarter: ['trimestre', 'trimestres'],
  year: ['an', 'ans'],
};
const SV_UNITS: Record<CalendarUnit, [string, string]> = {
  hour: ['timme', 'timmar'],
  day: ['dag', 'dagar'],
  week: ['vecka', 'veckor'],
  month: ['månad', 'månader'],
  quarter: ['kvartal', 'kvartal'],
  year: ['år', 'år'],
};

// French typography: a no-break space before ":".
const COLON = '\u00a0:';

const en: PageMessages = {
  title: 'Your usage',
  lead: (name, asOf) => `${name}: usage of the current period, as of ${asOf}.`,
  plan: (planKey, version) => `Plan ${planKey} (version ${version})`,
  period: (start, end) => `Current period: ${start} to ${end}`,
  columns: {
    meter: 'Meter',
    used: 'Used so far',
    limit: 'Limit',
    projected: 'Projected at period end',
    band: 'Likely range',
    limitDay: 'Limit',
  },
  between: (low, high) => `${low} – ${high}`,
  limit: {
    reached: 'Reached',
    on: (date) => `Reached on ${date} (projected)`,
    notBefore: (date) => `Not before the period ends (${date})`,
    none: 'No limit',
  },
  chart: (meter) => `Daily usage of ${meter}`,
  chartLegend: { usage: 'Usage so far', limit: 'Limit', projected: 'Projected (likely range)' },
  projectedBill: 'Projected bill this period',
  billSoFar: 'Bill so far',
  credit: 'Credit balance',
  noCredit: 'No credit',
  invoices: 'Last invoices',
  noInvoices: 'No invoice yet.',
  invoiceColumns: { number: 'Invoice', period: 'Period', total: 'Total', status: 'Status' },
  view: 'View',
  status: { finalized: 'Issued', void: 'Void' },
  calculator: {
    title: 'Price calculator',
    intro:
      'Your projected usage for the period, priced on your plan and on each plan that holds it. Change the figures to see what other usage would cost.',
    recalculate: 'Recalculate',
    plan: 'Plan',
    price: 'Price at this usage',
    current: 'Your plan',
    recommended: 'Recommended',
    ask: 'Ask for this plan',
    topUp: 'Top up credits',
    topUpText: 'Prefer to stay on your plan? Ask for a credit top-up.',
    every: (count, unit) =>
      count === 1 ? `a ${EN_UNITS[unit][0]}` : `every ${count} ${EN_UNITS[unit][1]}`,
  },
  requested: {
    plan: (plan) =>
      `Thank you: we have your request for plan ${plan}. Your account manager will contact you shortly.`,
    topUp:
      'Thank you: we have your request for a credit top-up. Your account manager will contact you shortly.',
  },
  invoice: {
    title: (number) => `Invoice ${number}`,
    billTo: 'Billed to',
    issued: 'Issued',
    description: 'Description',
    quantity: 'Quantity',
    unitPrice: 'Unit price',
    amount: 'Amount',
    subtotal: 'Subtotal',
    credits: 'Credits applied',
    tax: 'Tax',
    total: 'Total',
    print: 'Print',
    back: 'Back to usage',
  },
  notFound: {
    title: 'Link not valid',
    text: 'This link is not valid (any more). Use the link in your latest e-mail, or ask us for a new one.',
  },
  tooMany: { title: 'Too many requests', text: 'Please wait a minute and try again.' },
};

const fr: PageMessages = {
  title: 'Votre consommation',
  lead: (name, asOf) => `${name}${COLON} consommation de la période en cours, au ${asOf}.`,
  plan: (planKey, version) => `Offre ${planKey} (version ${version})`,
  period: (start, end) => `Période en cours${COLON} du ${start} au ${end}`,
  columns: {
    meter: 'Compteur',
    used: 'Consommé à ce jour',
    limit: 'Limite',
    projected: 'Prévu en fin de période',
    band: 'Fourchette probable',
    limitDay: 'Limite',
  },
  between: (low, high) => `${low} – ${high}`,
  limit: {
    reached: 'Atteinte',
    on: (date) => `Atteinte le ${date} (prévision)`,
    notBefore: (date) => `Pas avant la fin de la période (${date})`,
    none: 'Sans limite',
  },
  chart: (meter) => `Consommation quotidienne de ${meter}`,
  chartLegend: { usage: 'Consommé', limit: 'Limite', projected: 'Prévision (fourchette)' },
  projectedBill: 'Facture prévue pour la période',
  billSoFar: 'Facture à ce jour',
  credit: 'Solde de crédit',
  noCredit: 'Aucun crédit',
  invoices: 'Dernières factures',
  noInvoices: 'Aucune facture pour l’instant.',
  invoiceColumns: { number: 'Facture', period: 'Période', total: 'Total', status: 'État' },
  view: 'Voir',
  status: { finalized: 'Émise', void: 'Annulée' },
  calculator: {
    title: 'Calculateur de prix',
    intro:
      'Votre consommation prévue pour la période, au prix de votre offre et de chaque offre qui la couvre. Modifiez les chiffres pour voir ce que coûterait une autre consommation.',
    recalculate: 'Recalculer',
    plan: 'Offre',
    price: 'Prix pour cette consommation',
    current: 'Votre offre',
    recommended: 'Recommandée',
    ask: 'Demander cette offre',
    topUp: 'Recharger des crédits',
    topUpText: 'Vous préférez garder votre offre\u202f? Demandez une recharge de crédits.',
    every: (count, unit) =>
      count === 1 ? `par ${FR_UNITS[unit][0]}` : `tous les ${count} ${FR_UNITS[unit][1]}`,
  },
  requested: {
    plan: (plan) =>
      `Merci${COLON} nous avons bien reçu votre demande pour l’offre ${plan}. Votre interlocuteur commercial vous contactera très vite.`,
    topUp: `Merci${COLON} nous avons bien reçu votre demande de recharge de crédits. Votre interlocuteur commercial vous contactera très vite.`,
  },
  invoice: {
    title: (number) => `Facture ${number}`,
    billTo: 'Facturé à',
    issued: 'Émise le',
    description: 'Désignation',
    quantity: 'Quantité',
    unitPrice: 'Prix unitaire',
    amount: 'Montant',
    subtotal: 'Sous-total',
    credits: 'Crédits appliqués',
    tax: 'TVA',
    total: 'Total',
    print: 'Imprimer',
    back: 'Retour à la consommation',
  },
  notFound: {
    title: 'Lien non valide',
    text: 'Ce lien n’est pas (ou plus) valide. Utilisez le lien de votre dernier e-mail, ou demandez-nous-en un nouveau.',
  },
  tooMany: { title: 'Trop de requêtes', text: 'Merci de patienter une minute avant de réessayer.' },
};

const sv: PageMessages = {
  title: 'Din förbrukning',
  lead: (name, asOf) => `${name}: förbrukning under den aktuella perioden, per ${asOf}.`,
  plan: (planKey, version) => `Plan ${planKey} (version ${version})`,
  period: (start, end) => `Aktuell period: ${start} till ${end}`,
  columns: {
    meter: 'Mätare',
    used: 'Förbrukat hittills',
    limit: 'Gräns',
    projected: 'Beräknat vid periodens slut',
    band: 'Troligt intervall',
    limitDay: 'Gräns',
  },
  between: (low, high) => `${low} – ${high}`,
  limit: {
    reached: 'Nådd',
    on: (date) => `Nås den ${date} (beräknat)`,
    notBefore: (date) => `Inte före periodens slut (${date})`,
    none: 'Ingen gräns',
  },
  chart: (meter) => `Daglig förbrukning av ${meter}`,
  chartLegend: { usage: 'Förbrukat', limit: 'Gräns', projected: 'Beräknat (troligt intervall)' },
  projectedBill: 'Beräknad faktura för perioden',
  billSoFar: 'Faktura hittills',
  credit: 'Kreditsaldo',
  noCredit: 'Ingen kredit',
  invoices: 'Senaste fakturor',
  noInvoices: 'Inga fakturor än.',
  invoiceColumns: { number: 'Faktura', period: 'Period', total: 'Summa', status: 'Status' },
  view: 'Visa',
  status: { finalized: 'Utfärdad', void: 'Makulerad' },
  calculator: {
    title: 'Priskalkylator',
    intro:
      'Din beräknade förbrukning för perioden, prissatt enligt din plan och varje plan som rymmer den. Ändra siffrorna för att se vad en annan förbrukning skulle kosta.',
    recalculate: 'Räkna om',
    plan: 'Plan',
    price: 'Pris vid denna förbrukning',
    current: 'Din plan',
    recommended: 'Rekommenderas',
    ask: 'Be om denna plan',
    topUp: 'Fyll på kredit',
    topUpText: 'Vill du behålla din plan? Be om påfyllning av kredit.',
    every: (count, unit) =>
      count === 1 ? `per ${SV_UNITS[unit][0]}` : `var ${count}:e ${SV_UNITS[unit][0]}`,
  },
  requested: {
    plan: (plan) =>
      `Tack: vi har tagit emot din förfrågan om plan ${plan}. Din kontaktperson hör av sig inom kort.`,
    topUp:
      'Tack: vi har tagit emot din förfrågan om påfyllning av kredit. Din kontaktperson hör av sig inom kort.',
  },
  invoice: {
    title: (number) => `Faktura ${number}`,
    billTo: 'Faktureras till',
    issued: 'Utfärdad',
    description: 'Beskrivning',
    quantity: 'Antal',
    unitPrice: 'À-pris',
    amount: 'Belopp',
    subtotal: 'Delsumma',
    credits: 'Avräknad kredit',
    tax: 'Moms',
    total: 'Att betala',
    print: 'Skriv ut',
    back: 'Tillbaka till förbrukningen',
  },
  notFound: {
    title: 'Ogiltig länk',
    text: 'Länken är inte (längre) giltig. Använd länken i ditt senaste e-postmeddelande, eller be oss om en ny.',
  },
  tooMany: { title: 'För många förfrågningar', text: 'Vänta en minut och försök igen.' },
};

export const PAGE_MESSAGES: Readonly<Record<Language, PageMessages>> = { en, fr, sv };
