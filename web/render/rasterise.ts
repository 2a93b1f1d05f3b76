/**
 * SVG → Image → 2-D canvas → PNG, in the page; shared by the explorer's exports and the batch page
 * (the CLI's figure.png). Figures embed their heatmap as a data: PNG (no external resources), so the
 * canvas is not tainted and toBlob works.
 */
export async function svgToPngBlob(svg: string | Uint8Array, width: number, height: number, scale: number): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg as BlobPart], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = Object.assign(document.createElement('canvas'), {
      width: Math.round(width * scale),
      height: Math.round(height * scale),
    });
    const ctx = canvas.getContext('2d')!;
    ctx.imageSmoothingEnabled = false; // one figure pixel per cell: keep cell edges crisp
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas produced no PNG'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
