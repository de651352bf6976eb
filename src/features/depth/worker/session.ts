/** The depth model's session for a request: opened (downloaded if asked) through the runtime, checked, warmed up small. */
import { getSession, type ModelSession } from '../../../runtime/sessions';
import { zeros } from '../../../runtime/tensors';
import type { WorkerContext } from '../../../workers/protocol';
import type { DepthModelRequest } from '../protocol';
import { bindDepthSession, type BoundNames, type ValueMetadata } from './estimate';
import { MIDAS_SIDE } from './preprocess';

/** ORT's input/output metadata where this build exposes it (onnxruntime-web 1.22+). */
function metadataOf(session: ModelSession): { inputs: ValueMetadata[]; outputs: ValueMetadata[] } | undefined {
  const raw = session.session as unknown as { inputMetadata?: ValueMetadata[]; outputMetadata?: ValueMetadata[] };
  return raw.inputMetadata && raw.outputMetadata ? { inputs: raw.inputMetadata, outputs: raw.outputMetadata } : undefined;
}

export interface DepthSessionHandle {
  session: ModelSession;
  names: BoundNames;
  variant: string;
}

export async function openDepthSession(request: DepthModelRequest, context: WorkerContext): Promise<DepthSessionHandle> {
  const { handle, variant } = getSession({
    appRoot: request.appRoot,
    backend: request.backend,
    fp16: request.fp16,
    model: request.model,
    modelBytes: request.modelBytes,
    download: request.download,
    onProgress: context.onProgress,
    // Checked before anything runs, then one small run: 56 px (4 patches of 14) for Depth Anything, the fixed 256 for MiDaS.
    warmUp: async (session) => {
      const names = bindDepthSession(session, request.kind, metadataOf(session));
      const side = request.kind === 'midas' ? MIDAS_SIDE : 56;
      await session.run({ [names.input]: zeros(names.inputType, [1, 3, side, side]) }, { outputs: [names.output] });
    },
  });
  const session = await handle;
  return { session, names: bindDepthSession(session, request.kind, metadataOf(session)), variant };
}
