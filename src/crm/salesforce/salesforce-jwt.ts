/**
 * The signed assertion of the OAuth 2.0 JWT bearer flow
 * (RFC 7523; Salesforce: iss = connected app consumer key, sub = username,
 * aud = login URL, RS256, valid for at most 3 minutes).
 */
import { createSign } from 'node:crypto';

export interface JwtClaims {
  clientId: string;
  username: string;
  audience: string;
}

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

export function signJwtAssertion(
  claims: JwtClaims,
  privateKeyPem: string,
  now = Date.now(),
): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({
      iss: claims.clientId,
      sub: claims.username,
      aud: claims.audience,
      exp: Math.floor(now / 1000) + 180,
    }),
  );
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKeyPem);
  return `${header}.${payload}.${base64url(signature)}`;
}
