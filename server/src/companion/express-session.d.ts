// express-session 1.18 (a dependency of @uppy/companion, which needs a session for grant's OAuth redirects) ships
// no types; this is the part we call.
declare module 'express-session' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface SessionOptions {
    secret: string;
    name?: string;
    resave?: boolean;
    saveUninitialized?: boolean;
    proxy?: boolean;
    cookie?: {
      path?: string;
      httpOnly?: boolean;
      secure?: boolean;
      sameSite?: 'lax' | 'strict' | 'none';
      maxAge?: number;
    };
  }

  type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

  export default function session(options: SessionOptions): Middleware;
}
