import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { forbidden, unauthenticated } from '@switchboard/common';
import { Agent, type AgentRole } from '@switchboard/db';
import type { Request } from 'express';
import type { Repository } from 'typeorm';
import { IS_PUBLIC, ROLES, type AuthAgent } from './auth.decorators.js';

export interface AccessTokenClaims {
  sub: string;
  role: AgentRole;
}

/**
 * Every route needs a valid bearer token unless marked @Public(). The agent is re-read on each
 * request so that deactivating an agent or changing a role takes effect at once.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    @InjectRepository(Agent) private readonly agents: Repository<Agent>,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const req = ctx.switchToHttp().getRequest<Request & { agent?: AuthAgent }>();
    const header = req.headers.authorization ?? '';
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw unauthenticated('missing access token: send "Authorization: Bearer <accessToken>" from POST /api/v1/auth/login');
    }
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims & object>(token);
    } catch (err) {
      const expired = (err as { name?: string }).name === 'TokenExpiredError';
      throw unauthenticated(expired ? 'access token has expired: log in again' : 'access token is invalid');
    }
    const agent = await this.agents.findOne({ where: { id: claims.sub } });
    if (!agent || !agent.active) throw unauthenticated('this agent account is deactivated or no longer exists');
    req.agent = { id: agent.id, email: agent.email, name: agent.name, role: agent.role };

    const roles = this.reflector.getAllAndOverride<AgentRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(agent.role)) {
      throw forbidden(`this needs the role ${roles.join(' or ')}; you are ${agent.role}`);
    }
    return true;
  }
}
