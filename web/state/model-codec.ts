import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';

/**
 * A model file in the URL: its text deflated (fflate, raw DEFLATE at level 9) and written in
 * base64url (RFC 4648 §5, no padding), so that it needs no percent-escaping. models/tian-l2.json
 * (9 950 characters) packs into 3 644; models/lorenz.json (2 754) into 1 483.
 */
export function packModelText(text: string): string {
  const bytes = deflateSync(strToU8(text), { level: 9 });
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export class PackError extends Error {}

/**
 * The text packModelText packed. A link cut short or altered throws a PackError whose message
 * completes "the model file …", e.g. `cannot be decompressed (unexpected EOF): the link was
 * probably cut short or altered`.
 */
export function unpackModelText(packed: string): string {
  const bad = packed.match(/[^A-Za-z0-9_-]/);
  if (bad) throw new PackError(`is not base64url: "${bad[0]}" at character ${bad.index! + 1} (base64url has A–Z a–z 0–9 - _ only)`);
  if (packed.length % 4 === 1) throw new PackError(`is cut short: ${packed.length} base64url characters are not a whole number of bytes`);
  const binary = atob(packed.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  let text: string;
  try {
    text = strFromU8(inflateSync(bytes));
  } catch (e) {
    throw new PackError(`cannot be decompressed (${(e as Error).message}): the link was probably cut short or altered`);
  }
  if (text.includes('\ufffd')) throw new PackError('decompresses to text that is not UTF-8: the link was altered');
  return text;
}
