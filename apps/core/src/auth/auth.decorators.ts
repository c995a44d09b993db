import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { AgentRole } from '@switchboard/db';

export { IS_PUBLIC, Public } from '@switchboard/common';

export const ROLES = 'switchboard:roles';

/** Only agents with one of these roles may call the route. */
export const Roles = (...roles: AgentRole[]) => SetMetadata(ROLES, roles);

/** The agent behind the request's access token. */
export interface AuthAgent {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
}

export const CurrentAgent = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthAgent => {
  return ctx.switchToHttp().getRequest<{ agent: AuthAgent }>().agent;
});
