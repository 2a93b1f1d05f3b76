/** The time-lapse frame in the URL (`frame=k`, 0-based); absent or malformed: the end state. */
export function frameFromQuery(search: string): number | undefined {
  const frame = Number(new URLSearchParams(search).get('frame') ?? NaN);
  return Number.isInteger(frame) && frame >= 0 ? frame : undefined;
}

/** The URL `search` with `frame=` set to `frame`, or without it. */
export function withFrame(search: string, frame: number | undefined): string {
  const q = new URLSearchParams(search);
  if (frame === undefined) q.delete('frame');
  else q.set('frame', String(frame));
  return `?${q}`;
}
