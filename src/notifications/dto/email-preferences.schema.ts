import { z } from 'zod';

/** `usageWarnings: false` opts the customer out of non-critical e-mails (80 %, bill shock, low credit). */
export const emailPreferencesSchema = z.strictObject({
  usageWarnings: z.boolean({ error: 'must be true or false' }),
});

export type EmailPreferences = z.output<typeof emailPreferencesSchema>;
