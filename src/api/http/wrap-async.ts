import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * The one place an async handler's rejection is forwarded to the error middleware.
 * (Express 5 does this itself for returned promises; keeping it explicit keeps the
 * contract visible and independent of the framework version.)
 */
export function wrapAsync(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
}
