/** Moved: sessions live in src/runtime/sessions.ts, the one owner of ORT sessions. Kept for imports not yet switched. */
export { getSession, type SessionRequest } from '../runtime/sessions';
