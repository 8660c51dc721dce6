import { FigureTexts, Messages } from './messages';

// French typography: a no-break space before ":" and a narrow one before "?".
const COLON = '\u00a0:';
const QUESTION = '\u202f?';

const pace = (t: FigureTexts) =>
  t.limitReachedAt
    ? `À ce rythme, vous atteindrez la limite le ${t.limitReachedAt}.`
    : `À ce rythme, vous resterez sous la limite jusqu’à la fin de la période, le ${t.intervalEnd}.`;

const bill = (t: FigureTexts) =>
  `Votre facture pour cette période est estimée à ${t.projectedBill}.`;

export const fr: Messages = {
  greeting: (name) => `Bonjour ${name},`,
  templates: {
    usage_threshold: (t) => ({
      subject: `Vous avez atteint ${t.threshold} de votre limite pour ${t.meter}`,
      paragraphs: [
        `Votre consommation de ${t.meter} a atteint ${t.usedPercent} de votre limite${COLON} ${t.usage} sur ${t.limit} pour la période en cours.`,
        `${pace(t)} ${bill(t)}`,
      ],
    }),
    usage_limit_reached: (t) => ({
      subject: `Vous avez atteint votre limite pour ${t.meter}`,
      paragraphs: [
        `Le ${t.limitReachedAt}, votre consommation de ${t.meter} a atteint sa limite${COLON} ${t.usage} sur ${t.limit} pour la période en cours.`,
        `La limite sera réinitialisée le ${t.intervalEnd}. ${bill(t)}`,
      ],
    }),
    bill_shock: (t) => ({
      subject: `Votre facture est estimée à ${t.projectedBill}, au-delà de vos ${t.usualBill} habituels`,
      paragraphs: [
        `Votre facture pour cette période est estimée à ${t.projectedBill}, bien au-delà de votre facture habituelle de ${t.usualBill}.`,
        `L’essentiel provient de ${t.meter}${COLON} ${t.usage} à ce jour, pour une limite de ${t.limit}. ${pace(t)}`,
      ],
    }),
    credit_balance_low: (t) => ({
      subject: `Votre solde de crédit est bas${COLON} il reste ${t.creditBalance}`,
      paragraphs: [
        t.creditRunsOutAt
          ? `Il vous reste ${t.creditBalance} de crédit. À ce rythme, il sera épuisé le ${t.creditRunsOutAt}.`
          : `Il vous reste ${t.creditBalance} de crédit.`,
        `Consommation de ${t.meter} à ce jour${COLON} ${t.usage} sur ${t.limit}. ${bill(t)}`,
      ],
    }),
    quota_pressure: (t) => ({
      subject: `Vous avez atteint ${t.capsHit} fois votre quota pour ${t.meter}`,
      paragraphs: [
        `Votre consommation de ${t.meter} a atteint son quota de ${t.limit} par ${t.window} ${t.capsHit} fois en ${t.watched}, et a été bloquée au plafond ${t.hoursThrottled} heures au total. Votre ${t.window} la plus chargée a demandé ${t.usage}.`,
        t.upgrade
          ? `Avec l’offre ${t.upgrade.plan}, votre quota serait de ${t.upgrade.quota ?? 'illimité'} par ${t.window}, assez pour votre ${t.window} la plus chargée, pour une facture estimée à ${t.upgrade.projectedBill} sur cette période au lieu de ${t.projectedBill}.`
          : `Aucune offre ne couvre encore votre ${t.window} la plus chargée${COLON} répondez à cet e-mail et nous relèverons votre quota.`,
      ],
    }),
  },
  labels: {
    meter: 'Compteur',
    usage: 'Consommation à ce jour',
    limit: 'Limite',
    projectedBill: 'Facture estimée',
    projectedLimitDate: 'Limite atteinte (prévision)',
    limitReachedAt: 'Limite atteinte le',
    usualBill: 'Facture habituelle',
    creditBalance: 'Solde de crédit',
    creditRunsOutAt: 'Crédit épuisé (prévision)',
    quota: 'Quota',
    capsHit: 'Quota atteint',
    hoursThrottled: 'Heures au plafond',
    upgradeQuota: 'Quota avec la nouvelle offre',
  },
  windows: {
    hour: { one: 'heure', count: (n) => `${n} heures` },
    day: { one: 'journée', count: (n) => `${n} jours` },
    week: { one: 'semaine', count: (n) => `${n} semaines` },
  },
  notBefore: (date) => `pas avant le ${date}`,
  raiseLimit: {
    text: `Besoin de plus${QUESTION} Relevez votre limite en changeant d’offre${COLON}`,
    action: 'Relever ma limite',
  },
  unsubscribe: {
    text: 'Vous recevez cet avertissement car les alertes de consommation sont activées pour votre compte.',
    action: 'Se désabonner des alertes de consommation',
  },
  unsubscribePage: {
    title: 'Alertes de consommation',
    question: `Ne plus envoyer d’alertes de consommation à ce compte${QUESTION} Vous serez toujours prévenu lorsqu’une limite est atteinte.`,
    confirm: 'Se désabonner',
    done: `C’est fait${COLON} vous ne recevrez plus d’alertes de consommation. Vous serez toujours prévenu lorsqu’une limite est atteinte.`,
  },
};
