import { fastifyCookie } from '@fastify/cookie';

/** The httpOnly cookie that carries a browser's token (set by /wall?token= and POST /api/session). */
export const SESSION_COOKIE = 'storepulse_token';

/** Reads the session cookie from a raw Cookie header (socket.io handshakes don't pass through Fastify). */
export function sessionTokenFromHeader(header: string | undefined): string | undefined {
  return header ? fastifyCookie.parse(header)[SESSION_COOKIE] : undefined;
}
