// The public side of setup links (/setup/:token): a small page that says who asks for what, and a
// button that uses the link. A GET never uses it (mail scanners open links); the POST does, starts
// a portal session the way accepting an invite does, and sends the contact to the portal's own
// "add a payment method" pages.
import { Router, type Request, type Response } from 'express';
import { requestMeta } from '../audit/record-audit';
import { recordLoginAttempt } from '../auth/login-throttle';
import { startSession } from '../auth/start-session';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { messagePage } from '../http/html-page';
import { describeSetupLink, useSetupLink } from './setup-links';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function invalid(res: Response): void {
  res.status(404).type('html').send(messagePage({ title: 'This link doesn’t work any more', message: new AppError('SETUP_LINK_INVALID').message }));
}

export function setupLinkPublicRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/:token', async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    try {
      const link = await describeSetupLink(ctx.db, String(req.params.token), ctx.clock);
      const title = `Add a payment method for ${link.clientName}`;
      const page = messagePage({ title, message: `Hello ${link.contactName}, ${link.mspName} asks you to add a card or bank account. You enter the details yourself on the next page.` })
        .replace('</main>', `<form method="post"><button type="submit" style="margin-top:12px;background:#4338ca;color:#fff;border:0;padding:10px 16px;border-radius:8px;font:600 15px system-ui;cursor:pointer">Continue to ${escapeHtml(link.mspName)}’s billing portal</button></form></main>`);
      res.type('html').send(page);
    } catch (err) {
      if (err instanceof AppError && err.code === 'SETUP_LINK_INVALID') return invalid(res);
      throw err;
    }
  });

  router.post('/:token', async (req: Request, res: Response) => {
    // A form on our own page: a cross-site Origin is refused like any other cross-site write.
    const origin = req.get('origin');
    if (origin && origin !== 'null' && new URL(origin).host !== req.get('host')) throw new AppError('AUTH_CSRF_FAILED');
    let user;
    try {
      user = await useSetupLink(ctx.db, String(req.params.token), requestMeta(req), ctx.clock);
    } catch (err) {
      if (err instanceof AppError && err.code === 'SETUP_LINK_INVALID') return invalid(res);
      throw err;
    }
    await startSession(ctx, req, res, { kind: 'portal', userId: user.id, installationId: user.installationId, clientId: user.clientId });
    await recordLoginAttempt(ctx.db, { kind: 'portal', email: user.email, ip: req.ip, succeeded: true }, ctx.clock);
    res.redirect(303, '/portal/payment-methods');
  });

  return router;
}
