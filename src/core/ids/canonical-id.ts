/** A MongoDB ObjectId as text: 24 hex digits, in either case. */
export const HEX_ID = /^[0-9a-fA-F]{24}$/;

/**
 * The one spelling of an id: hex ids (portfolio, security, model, run ids are ObjectId text in
 * GlobeCo) in lower case, any other id unchanged. Every edge that takes an id applies it, so
 * `5f…EE` and `5f…ee` are the same security everywhere (duplicates caught, lookups found).
 */
export function canonicalId(id: string): string {
  return HEX_ID.test(id) ? id.toLowerCase() : id;
}
