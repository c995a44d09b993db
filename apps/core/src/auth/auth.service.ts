import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { DomainException, ErrorCode, unauthenticated } from '@switchboard/common';
import { Agent } from '@switchboard/db';
import type { Repository } from 'typeorm';
import type { AccessTokenClaims } from './auth.guard.js';
import { LoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password.js';

/** Compared against when the e-mail is unknown, so both failures take the same time. */
let decoyHash: Promise<string> | undefined;

@Injectable()
export class AuthService {
  constructor(
    private readonly jwt: JwtService,
    @InjectRepository(Agent) private readonly agents: Repository<Agent>,
    private readonly throttle: LoginThrottle,
  ) {}

  async login(email: string, password: string, ip: string): Promise<{ accessToken: string; tokenType: 'Bearer'; agent: Pick<Agent, 'id' | 'email' | 'name' | 'role'> }> {
    await this.throttle.check(email, ip);
    const agent = await this.agents
      .createQueryBuilder('a')
      .addSelect('a.passwordHash')
      .where('a.email = :email', { email: email.trim().toLowerCase() })
      .getOne();
    decoyHash ??= hashPassword('decoy password that matches nothing');
    const ok = await verifyPassword(agent?.passwordHash ?? (await decoyHash), password);
    if (!agent || !ok) {
      await this.throttle.failed(email, ip);
      throw unauthenticated('e-mail or password is wrong');
    }
    await this.throttle.succeeded(email, ip);
    if (!agent.active) throw unauthenticated('this agent account is deactivated');
    const claims: AccessTokenClaims = { sub: agent.id, role: agent.role };
    return {
      accessToken: await this.jwt.signAsync(claims),
      tokenType: 'Bearer',
      agent: { id: agent.id, email: agent.email, name: agent.name, role: agent.role },
    };
  }

  /** An agent changes their own password; the current one proves it is them. */
  async changePassword(agentId: string, current: string, next: string): Promise<void> {
    const agent = await this.agents.createQueryBuilder('a').addSelect('a.passwordHash').where('a.id = :id', { id: agentId }).getOne();
    if (!agent || !(await verifyPassword(agent.passwordHash, current))) {
      throw new DomainException(ErrorCode.ValidationFailed, 'currentPassword is wrong', 400);
    }
    await this.agents.update({ id: agentId }, { passwordHash: await hashPassword(next) });
  }
}
