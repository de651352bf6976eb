/**
 * The live camera view: getUserMedia -> a frame at the processing size (ImageBitmap, moved to the
 * camera worker) -> the style or depth model -> this canvas. One frame in flight; frames that arrive
 * meanwhile are dropped and counted. Style, strength, mode and colour map apply from the next frame.
 * Snapshot (PNG) and record (MP4/WebM through the project's encoder, with the microphone when asked).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { isCancelled, toUserMessage } from '../../lib/errors';
import { appRoot } from '../../state/jobs';
import { useAppStore } from '../../state/store';
import type { Progress } from '../../workers/protocol';
import { COLORMAPS, type ColormapId } from '../depth/colormap';
import { depthKindOf } from '../depth/models';
import { chosenModel, chooseModel, loadModels, useDepthStore } from '../depth/state';
import { findModel } from '../style/models';
import { tapMicrophone, type MicrophoneTap } from './audio';
import { cameraWorker } from './client';
import styles from './camera.module.css';
import { FpsMeter, FramePump, processingSize } from './pump';
import { cameraFileName, liveStyles, PROCESSING_SIDES, useCameraStore, type CameraSettings } from './state';
import { cameraErrorMessage, listCameras, nextCamera, openCamera, openMicrophone, stopStream, type CameraChoice } from './stream';

type Status = 'idle' | 'starting' | 'live';

interface Recording {
  startedAt: number;
  mic: MediaStream | null;
  tap: MicrophoneTap | null;
  format: CameraSettings['format'];
  note: string;
}

interface Saved {
  url: string;
  fileName: string;
  detail: string;
}

const set = useCameraStore.setState;

/** Calls `onFrame` once per new camera frame (requestVideoFrameCallback, else polling on animation frames). */
function watchFrames(video: HTMLVideoElement, onFrame: () => void): () => void {
  let stopped = false;
  const withCallback = video as HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number; cancelVideoFrameCallback?: (id: number) => void };
  if (withCallback.requestVideoFrameCallback) {
    let id = 0;
    const next = () => {
      if (stopped) return;
      onFrame();
      id = withCallback.requestVideoFrameCallback!(next);
    };
    id = withCallback.requestVideoFrameCallback(next);
    return () => {
      stopped = true;
      withCallback.cancelVideoFrameCallback?.(id);
    };
  }
  let last = -1;
  let id = 0;
  const poll = () => {
    if (stopped) return;
    if (video.currentTime !== last && video.readyState >= 2) {
      last = video.currentTime;
      onFrame();
    }
    id = requestAnimationFrame(poll);
  };
  id = requestAnimationFrame(poll);
  return () => {
    stopped = true;
    cancelAnimationFrame(id);
  };
}

function download(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
}

export default function CameraView({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const unwatch = useRef<(() => void) | null>(null);
  const recording = useRef<Recording | null>(null);
  const meter = useRef(new FpsMeter());
  const settings = useCameraStore();
  const backend = useAppStore((s) => s.backend);
  const gpu = useAppStore((s) => s.gpu);
  const depthModels = useDepthStore((s) => s.models);
  const depthModelId = useDepthStore((s) => s.modelId);

  const [status, setStatus] = useState<Status>('idle');
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string>('');
  const [fps, setFps] = useState(0);
  const [dropped, setDropped] = useState(0);
  const [cameras, setCameras] = useState<CameraChoice[]>([]);
  const [deviceId, setDeviceId] = useState<string | undefined>(undefined);
  const [recordingSince, setRecordingSince] = useState<number | null>(null);
  const [snapshot, setSnapshot] = useState<Saved | null>(null);
  const [clip, setClip] = useState<Saved | null>(null);
  const [processing, setProcessing] = useState<{ width: number; height: number } | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    void loadModels(); // the depth models on offer (served catalogue), for the Depth mode
  }, []);

  /** Sends the current camera frame through the model and paints the answer. */
  const pump = useRef<FramePump | null>(null);
  const processFrame = useCallback(async () => {
    const v = video.current;
    const c = canvas.current;
    if (!v || !c || v.readyState < 2 || v.videoWidth === 0) return;
    const current = useCameraStore.getState();
    const { backend: chosenBackend, gpu: gpuInfo } = useAppStore.getState();
    const depth = current.mode === 'depth' ? chosenModel() : undefined;
    const model = current.mode === 'depth' ? depth : findModel(current.styleId);
    if (!model) throw new Error(current.mode === 'depth' ? 'No depth model is available: add one in Models on this device.' : 'Pick a style.');
    const active = recording.current;
    // While recording, the size is fixed: every frame of a clip must have the clip's size.
    const size = processingSize(v.videoWidth, v.videoHeight, current.side, model.io.multipleOf ?? 4);
    const captured = performance.now();
    const frame = await createImageBitmap(v, { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'medium' });
    const onProgress = (p: Progress) => {
      if (p.stage === 'download') setNote(`Downloading ${model.title}: ${Math.round((100 * p.done) / Math.max(1, p.total))} %`);
      if (p.stage === 'load') setNote(p.done < p.total ? `Loading ${model.title}…` : '');
    };
    const result = await cameraWorker.call(
      'cameraFrame',
      {
        appRoot: appRoot(),
        backend: chosenBackend,
        fp16: gpuInfo?.shaderF16 ?? false,
        model,
        frame,
        mode: current.mode,
        strength: current.strength,
        steady: current.steady,
        depthKind: depth ? depthKindOf(depth) : undefined,
        colormap: current.colormap,
        download: depth ? !depth.licenceMustAccept : undefined,
        recordAt: active && captured >= active.startedAt ? (captured - active.startedAt) / 1000 : undefined,
      },
      { transfer: [frame], onProgress },
    );
    if (c.width !== result.frame.width || c.height !== result.frame.height) {
      c.width = result.frame.width;
      c.height = result.frame.height;
      setProcessing({ width: c.width, height: c.height });
    }
    c.getContext('2d')?.drawImage(result.frame, 0, 0);
    result.frame.close();
    c.dataset.frames = String(Number(c.dataset.frames ?? 0) + 1);
    c.dataset.backend = result.backend;
    c.dataset.inferMs = result.inferMillis.toFixed(0);
    c.dataset.onGpu = String(result.onGpu);
    meter.current.tick(performance.now());
  }, []);

  /** `closing`: the view goes away, so a clip being recorded is downloaded rather than lost with it. */
  const stopCamera = useCallback(async (closing = false) => {
    unwatch.current?.();
    unwatch.current = null;
    if (recording.current) await finishRecording(closing);
    stopStream(stream.current); // every track stopped: the camera light goes off
    stream.current = null;
    if (video.current) video.current.srcObject = null;
    cameraWorker.stop(); // frees the sessions and the canvas; the next start spawns a fresh worker
    pump.current = null;
    meter.current.reset();
    setFps(0);
    setStatus('idle');
  }, []);

  const failed = useCallback(
    (reason: unknown) => {
      if (isCancelled(reason)) return;
      setError(toUserMessage(reason));
      void stopCamera();
    },
    [stopCamera],
  );

  const startCamera = useCallback(
    async (wanted?: string) => {
      setError(null);
      setStatus('starting');
      // Switching: the old camera is released first (many phones cannot open the back camera while the front one is open).
      unwatch.current?.();
      unwatch.current = null;
      stopStream(stream.current);
      stream.current = null;
      let media: MediaStream;
      try {
        media = await openCamera(wanted);
      } catch (reason) {
        setStatus('idle');
        setError(cameraErrorMessage(reason));
        return;
      }
      stream.current = media;
      const track = media.getVideoTracks()[0];
      setDeviceId(wanted ?? track?.getSettings().deviceId);
      setCameras(await listCameras()); // labels and the full list are known once permission is granted
      const v = video.current!;
      v.srcObject = media;
      await v.play().catch(() => undefined);
      const framePump = (pump.current ??= new FramePump(processFrame));
      unwatch.current = watchFrames(v, () => framePump.offer()?.catch(failed));
      track?.addEventListener('ended', () => failed(new Error('The camera stopped (it was unplugged, or another app took it).')));
      setStatus('live');
    },
    [processFrame, failed],
  );

  // The frame rate and drop count on screen, twice a second.
  useEffect(() => {
    if (status !== 'live') return;
    const timer = setInterval(() => {
      setFps(meter.current.value(performance.now()));
      setDropped(pump.current?.dropped ?? 0);
    }, 500);
    return () => clearInterval(timer);
  }, [status]);

  // Closing the view (or leaving the page) stops everything.
  useEffect(() => () => void stopCamera(true), [stopCamera]);

  const takeSnapshot = useCallback(() => {
    const c = canvas.current;
    if (!c || !c.dataset.frames) return;
    c.toBlob((blob) => {
      if (!blob) return setError('The snapshot could not be encoded.');
      const fileName = cameraFileName(new Date(), useCameraStore.getState(), 'png');
      if (snapshot) URL.revokeObjectURL(snapshot.url);
      const url = URL.createObjectURL(blob);
      setSnapshot({ url, fileName, detail: `${c.width}x${c.height}` });
      download(url, fileName);
    }, 'image/png');
  }, [snapshot]);

  async function startRecording() {
    const c = canvas.current;
    if (!c || !c.dataset.frames) return;
    const current = useCameraStore.getState();
    let mic: MediaStream | null = null;
    let note = '';
    if (current.withSound) {
      try {
        mic = await openMicrophone();
      } catch (reason) {
        note = cameraErrorMessage(reason, 'microphone') + ' The clip is recorded without sound.';
      }
    }
    const micTrack = mic?.getAudioTracks()[0];
    const micSettings = micTrack?.getSettings();
    try {
      const started = await cameraWorker.call('cameraRecordStart', {
        appRoot: appRoot(),
        format: current.format,
        width: c.width,
        height: c.height,
        audio: micTrack ? { sampleRate: micSettings?.sampleRate ?? 48_000, channels: micSettings?.channelCount ?? 1 } : null,
      });
      if (micTrack && !started.audioCodec) note = 'This browser cannot encode sound into this format here: the clip is silent.';
      const startedAt = performance.now();
      const tap = micTrack && started.audioCodec ? tapMicrophone(micTrack, startedAt, (chunk) => void cameraWorker.call('cameraAudio', chunk, { transfer: [chunk.data.buffer] }).catch(() => undefined)) : null;
      recording.current = { startedAt, mic, tap, format: current.format, note };
      setRecordingSince(startedAt);
      setNote(note);
    } catch (reason) {
      stopStream(mic);
      setError(toUserMessage(reason));
    }
  }

  async function finishRecording(download_ = false) {
    const active = recording.current;
    if (!active) return;
    recording.current = null;
    setRecordingSince(null);
    active.tap?.stop();
    stopStream(active.mic); // the microphone indicator goes off with the recording
    try {
      const value = await cameraWorker.call('cameraRecordStop', {});
      const fileName = cameraFileName(new Date(), useCameraStore.getState(), active.format);
      const url = URL.createObjectURL(value.blob);
      if (download_) return download(url, fileName);
      setClip((old) => {
        if (old) URL.revokeObjectURL(old.url);
        const sound = value.hasAudio ? 'with sound' : 'no sound';
        return { url, fileName, detail: `${value.frames} frames, ${value.seconds.toFixed(1)} s, ${sound}, ${Math.max(1, Math.round(value.blob.size / 1024))} KB` };
      });
    } catch (reason) {
      if (!isCancelled(reason)) setError(`The recording could not be finished: ${toUserMessage(reason)}`);
    }
  }

  const live = status === 'live';
  const isRecording = recordingSince !== null;
  const nextOne = nextCamera(cameras, deviceId);
  const depthAvailable = (depthModels?.length ?? 0) > 0;

  return (
    <dialog ref={dialog} className={styles.dialog} data-testid="camera-view" aria-labelledby="camera-title" onClose={onClose}>
      <div className={styles.head}>
        <h2 id="camera-title">Live camera</h2>
        <button type="button" className={styles.close} onClick={() => dialog.current?.close()} aria-label="Close">
          ×
        </button>
      </div>
      <p className={styles.muted}>
        The camera is painted on this device, frame by frame; nothing is uploaded. The browser asks for the camera only when you press
        Start, and for the microphone only when you record with sound.
      </p>
      {error && (
        <p className={styles.error} role="alert" data-testid="camera-error">
          {error}
        </p>
      )}
      <div className={styles.stage}>
        <canvas ref={canvas} className={styles.output} data-testid="camera-output" role="img" aria-label="The camera, painted live" width={4} height={3} hidden={!live} />
        <video ref={video} className={live ? styles.inset : styles.hiddenVideo} muted playsInline aria-label="The camera as it is" data-testid="camera-input" />
        {!live && <p className={styles.placeholder}>{status === 'starting' ? 'Waiting for the camera…' : 'Camera off'}</p>}
      </div>
      <p className={styles.stats} aria-live="off">
        <output data-testid="camera-fps">{fps.toFixed(1)} fps</output>
        {live && (
          <span>
            {' '}
            · {dropped} frames dropped to stay live{processing && ` · ${processing.width}x${processing.height}`} · {backend === 'webgpu' ? 'WebGPU' : 'WASM'}
          </span>
        )}
      </p>
      {note && <p className={styles.muted} role="status">{note}</p>}
      <div className={styles.actions}>
        {!live ? (
          <button type="button" className={styles.primary} data-testid="camera-start" disabled={status === 'starting'} onClick={() => void startCamera()}>
            Start camera
          </button>
        ) : (
          <button type="button" data-testid="camera-stop" onClick={() => void stopCamera()}>
            Stop camera
          </button>
        )}
        {live && nextOne && (
          <button type="button" data-testid="camera-switch" disabled={isRecording} onClick={() => void startCamera(nextOne.deviceId)}>
            Switch to {nextOne.label}
          </button>
        )}
        <button type="button" data-testid="snapshot" disabled={!live} onClick={takeSnapshot}>
          Snapshot (PNG)
        </button>
        <button
          type="button"
          className={isRecording ? styles.recording : undefined}
          data-testid="record"
          disabled={!live}
          aria-pressed={isRecording}
          onClick={() => void (isRecording ? finishRecording() : startRecording())}
        >
          {isRecording ? 'Stop recording' : 'Record'}
        </button>
      </div>
      <fieldset className={styles.settings}>
        <legend>Settings (they apply from the next frame)</legend>
        <div className={styles.modes} role="radiogroup" aria-label="What to show">
          <label>
            <input type="radio" name="camera-mode" data-testid="camera-mode-style" checked={settings.mode === 'style'} onChange={() => set({ mode: 'style' })} /> Style
          </label>
          <label>
            <input
              type="radio"
              name="camera-mode"
              data-testid="camera-mode-depth"
              checked={settings.mode === 'depth'}
              disabled={!depthAvailable || isRecording}
              onChange={() => set({ mode: 'depth' })}
            />{' '}
            Depth
          </label>
        </div>
        {!depthAvailable && depthModels && <p className={styles.muted}>Depth needs a depth model: none is listed in this app's catalogue.</p>}
        {settings.mode === 'style' ? (
          <>
            <label className={styles.field}>
              Style
              <select data-testid="camera-style" value={settings.styleId} onChange={(e) => set({ styleId: e.target.value })}>
                {liveStyles.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.title}
                  </option>
                ))}
              </select>
            </label>
            <label className={styles.field}>
              Strength {Math.round(settings.strength * 100)} %
              <input
                type="range"
                data-testid="camera-strength"
                min={0}
                max={1}
                step={0.05}
                value={settings.strength}
                onChange={(e) => set({ strength: Number(e.target.value) })}
              />
            </label>
            <label className={styles.check}>
              <input type="checkbox" data-testid="camera-steady" checked={settings.steady} onChange={(e) => set({ steady: e.target.checked })} /> Steady strokes (less
              flicker where the picture holds still or pans)
            </label>
          </>
        ) : (
          <>
            <label className={styles.field}>
              Depth model
              <select data-testid="camera-depth-model" value={depthModelId} onChange={(e) => chooseModel(e.target.value)}>
                {(depthModels ?? []).map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.title}
                  </option>
                ))}
              </select>
            </label>
            <label className={styles.field}>
              Colours
              <select data-testid="camera-colormap" value={settings.colormap} onChange={(e) => set({ colormap: e.target.value as ColormapId })}>
                {COLORMAPS.map((id) => (
                  <option key={id} value={id}>
                    {id}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        <label className={styles.field}>
          Processing size
          <select data-testid="camera-size" value={settings.side} disabled={isRecording} onChange={(e) => set({ side: Number(e.target.value) })}>
            {PROCESSING_SIDES.map((side) => (
              <option key={side} value={side}>
                {side} px (long side)
              </option>
            ))}
          </select>
        </label>
        <label className={styles.field}>
          Clip format
          <select data-testid="camera-format" value={settings.format} disabled={isRecording} onChange={(e) => set({ format: e.target.value as CameraSettings['format'] })}>
            <option value="mp4">MP4</option>
            <option value="webm">WebM</option>
          </select>
        </label>
        <label className={styles.check}>
          <input type="checkbox" data-testid="camera-sound" checked={settings.withSound} disabled={isRecording} onChange={(e) => set({ withSound: e.target.checked })} /> Record
          with sound (asks for the microphone)
        </label>
      </fieldset>
      {(snapshot || clip) && (
        <ul className={styles.saved}>
          {snapshot && (
            <li>
              <a href={snapshot.url} download={snapshot.fileName} data-testid="camera-snapshot-download">
                {snapshot.fileName}
              </a>{' '}
              ({snapshot.detail})
            </li>
          )}
          {clip && (
            <li>
              <a href={clip.url} download={clip.fileName} data-testid="camera-clip-download">
                {clip.fileName}
              </a>{' '}
              ({clip.detail})
            </li>
          )}
        </ul>
      )}
      {gpu && backend === 'webgpu' && <p className={styles.muted}>{gpu.description}</p>}
    </dialog>
  );
}
