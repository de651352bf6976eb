/// <reference lib="webworker" />
/**
 * The live camera's own worker: a third instance beside the photo and video workers (src/workers),
 * so stopping the camera (which terminates it) never drops their warm sessions, and a long video job
 * never delays a camera frame. The same message loop serves it.
 */
import { serve, type Port } from '../../../workers/loop';
import { cameraMethods } from './live';

declare const self: DedicatedWorkerGlobalScope;

serve(self as unknown as Port, cameraMethods);
