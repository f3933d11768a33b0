import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Principal } from '@portcullis/resource-server';
import type { EventActor } from '../../audit/event-actor';

/** A request's input, checked against its route's schemas (admin-input.interceptor.ts). */
export interface AdminInput<P = Record<string, never>, Q = Record<string, never>, B = Record<string, never>> {
  params: P;
  query: Q;
  body: B;
}

export interface AdminRequest {
  adminInput?: AdminInput<unknown, unknown, unknown>;
  user?: Principal;
}

/** The validated input of the current admin request. */
export const Input = createParamDecorator((_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AdminRequest>().adminInput);

/**
 * Who made the change, for its event (libs/contracts `actor`): the person and the client of
 * the admin token.
 */
export const Actor = createParamDecorator((_data: unknown, ctx: ExecutionContext): EventActor => {
  const principal = ctx.switchToHttp().getRequest<AdminRequest>().user as Principal;
  return { via: 'admin_api', subject: principal.subject, client_id: principal.clientId };
});
