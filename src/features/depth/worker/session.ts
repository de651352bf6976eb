/** The depth model's session for a request: opened (downloaded if asked) through the runtime, checked, warmed up small. */
import { getSession, type ModelSession } from '../../../runtime/sessions';
import { zeros } from '../../../runtime/tensors';
import type { WorkerContext } from '../../../workers/protocol';
import { UserError } from '../../../lib/errors';
import type { DepthModelKind, DepthModelRequest } from '../protocol';
import { bindDepthSession, ownDepthKind, type BoundNames, type DepthSession, type ValueMetadata } from './estimate';
import { MIDAS_SIDE } from './preprocess';

/** ORT's input/output metadata where this build exposes it (onnxruntime-web 1.22+). */
function metadataOf(session: ModelSession): { inputs: ValueMetadata[]; outputs: ValueMetadata[] } | undefined {
  const raw = session.session as unknown as { inputMetadata?: ValueMetadata[]; outputMetadata?: ValueMetadata[] };
  return raw.inputMetadata && raw.outputMetadata ? { inputs: raw.inputMetadata, outputs: raw.outputMetadata } : undefined;
}

export interface DepthSessionHandle {
  session: ModelSession;
  names: BoundNames;
  /** The contract it runs with: the catalogue entry's, or for the user's own file what its graph follows. */
  kind: DepthModelKind;
  variant: string;
}

type Binding = Pick<DepthSessionHandle, 'kind' | 'names'>;

/**
 * The contract and bound names. A user's own file is read for its kind, and a mismatch is the user's
 * to fix (another file), so it reads as a UserError rather than "something went wrong".
 */
function bind(session: DepthSession, request: DepthModelRequest, metadata: ReturnType<typeof metadataOf>): Binding {
  if (request.kind !== 'from-file') return { kind: request.kind, names: bindDepthSession(session, request.kind, metadata) };
  const kind = ownDepthKind(session, metadata);
  try {
    return { kind, names: bindDepthSession(session, kind, metadata) };
  } catch (error) {
    throw new UserError(`${(error as Error).message} Use a depth model file that fits, or pick a listed model.`, { cause: error });
  }
}

/** Each session's binding, made once (in its warm-up) and kept with the session for every later open of it. */
const bindings = new WeakMap<ModelSession, { requested: DepthModelRequest['kind']; bound: Binding }>();

/** `bind` for this session and requested kind, or what it gave the first time (a user's own file is read for its kind once). */
function bindOnce(session: ModelSession, request: DepthModelRequest): Binding {
  const known = bindings.get(session);
  if (known?.requested === request.kind) return known.bound;
  const bound = bind(session, request, metadataOf(session));
  bindings.set(session, { requested: request.kind, bound });
  return bound;
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
      const { kind, names } = bindOnce(session, request);
      const side = kind === 'midas' ? MIDAS_SIDE : 56;
      await session.run({ [names.input]: zeros(names.inputType, [1, 3, side, side]) }, { outputs: [names.output] });
    },
  });
  const session = await handle;
  return { session, ...bindOnce(session, request), variant };
}
