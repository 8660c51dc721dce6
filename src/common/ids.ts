const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in paths are UUIDs; checking first turns a malformed one into a 404, not a database error. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
