import { en } from './en';
import { fr } from './fr';
import { Language } from './locale';
import { Messages } from './messages';
import { sv } from './sv';

export const MESSAGES: Readonly<Record<Language, Messages>> = { en, fr, sv };
