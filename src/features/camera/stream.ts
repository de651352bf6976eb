/**
 * The camera stream: asked for only when the user presses Start, its refusals turned into sentences,
 * the cameras on offer (front/back), and stopping that releases every track (the camera light goes off).
 */

/** What to say when getUserMedia fails, by the DOMException's name. */
export function cameraErrorMessage(error: unknown, what: 'camera' | 'microphone' = 'camera'): string {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  const device = what === 'camera' ? 'the camera' : 'the microphone';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Permission to use ${device} was refused. To use it, allow ${device} for this site in the browser's address bar or site settings, then press Start again.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return what === 'camera'
        ? 'No camera was found on this device. Connect one (or close the app that hides it) and press Start again.'
        : 'No microphone was found on this device; the clip is recorded without sound.';
    case 'NotReadableError':
    case 'AbortError':
      return `${what === 'camera' ? 'The camera' : 'The microphone'} is busy or could not be started: close other apps or tabs that use it, then try again.`;
    default:
      if (typeof navigator !== 'undefined' && !navigator.mediaDevices?.getUserMedia) {
        return 'This browser gives web pages no camera access here (it needs a secure https:// page and a recent browser).';
      }
      return `${what === 'camera' ? 'The camera' : 'The microphone'} could not be started (${error instanceof Error ? error.message : String(error)}).`;
  }
}

export interface CameraChoice {
  deviceId: string;
  label: string;
}

/** The video inputs; labels are only known once permission is granted, so unnamed ones get numbers. */
export function videoInputs(devices: readonly MediaDeviceInfo[]): CameraChoice[] {
  return devices
    .filter((d) => d.kind === 'videoinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
}

/** The camera after `current` in the list (wrapping), for the switch button: front <-> back on a phone. */
export function nextCamera(cameras: readonly CameraChoice[], current: string | undefined): CameraChoice | null {
  if (cameras.length < 2) return null;
  const index = cameras.findIndex((c) => c.deviceId === current);
  return cameras[(index + 1) % cameras.length];
}

/**
 * Opens a camera: a given device, or the one facing the user. Ideal sizes only (never exact), so a
 * camera that cannot give 640x480 still opens; frames are scaled to the processing size anyway.
 */
export function openCamera(deviceId?: string): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) return Promise.reject(new TypeError('no getUserMedia'));
  const video: MediaTrackConstraints = deviceId
    ? { deviceId: { exact: deviceId }, width: { ideal: 640 }, height: { ideal: 480 } }
    : { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } };
  return navigator.mediaDevices.getUserMedia({ video, audio: false });
}

/** Microphone only, asked when a recording with sound starts. */
export function openMicrophone(): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true }, video: false });
}

export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

export async function listCameras(): Promise<CameraChoice[]> {
  try {
    return videoInputs(await navigator.mediaDevices.enumerateDevices());
  } catch {
    return [];
  }
}
