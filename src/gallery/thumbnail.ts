/** A small JPEG of a result for the gallery grid: the image, the GIF's first frame, or the video's first frame. */
const SIDE = 160;

function firstVideoFrame(blob: Blob, timeoutMs = 5000): Promise<HTMLVideoElement> {
  return new Promise((resolve, reject) => {
    const video = document.createElement('video');
    const url = URL.createObjectURL(blob);
    const timer = setTimeout(() => finish(new Error('no frame in time')), timeoutMs);
    function finish(error?: Error) {
      clearTimeout(timer);
      URL.revokeObjectURL(url);
      if (error) reject(error);
      else resolve(video);
    }
    video.muted = true;
    video.playsInline = true;
    video.preload = 'auto';
    video.onloadeddata = () => finish();
    video.onerror = () => finish(new Error('video unreadable'));
    video.src = url;
  });
}

/** A JPEG at most 160 px a side, or null when the browser cannot read the result. */
export async function makeThumbnail(blob: Blob): Promise<Blob | null> {
  try {
    let source: CanvasImageSource;
    let width: number;
    let height: number;
    if (blob.type.startsWith('video/')) {
      const video = await firstVideoFrame(blob);
      [source, width, height] = [video, video.videoWidth, video.videoHeight];
    } else {
      const bitmap = await createImageBitmap(blob);
      [source, width, height] = [bitmap, bitmap.width, bitmap.height];
    }
    if (!width || !height) return null;
    const scale = Math.min(1, SIDE / Math.max(width, height));
    const canvas = new OffscreenCanvas(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)));
    const context = canvas.getContext('2d');
    if (!context) return null;
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    if (source instanceof ImageBitmap) source.close();
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
  } catch {
    return null;
  }
}
