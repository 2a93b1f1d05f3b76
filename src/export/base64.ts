/** Base64 without Buffer, so the same code runs in the page and in Node. */
export function base64(bytes: Uint8Array): string {
  let s = '';
  const chunk = 0x8000;
  for (let k = 0; k < bytes.length; k += chunk) s += String.fromCharCode(...bytes.subarray(k, k + chunk));
  return btoa(s);
}
