import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { unauthenticated } from '@switchboard/common';
import { Agent } from '@switchboard/db';
import type { Repository } from 'typeorm';
import type { AccessTokenClaims } from './auth.guard.js';
import { hashPassword, verifyPassword } from './password.js';

/** Compared against when the e-mail is unknown, so both failures take the same time. */
let decoyHash: Promise<string> | undefined;

@Injectable()
export class AuthService {
  constructor(
    private readonly jwt: JwtService,
    @InjectRepository(Agent) private readonly agents: Repository<Agent>,
  ) {}

  async login(email: string, password: string): Promise<{ accessToken: string; tokenType: 'Bearer'; agent: Pick<Agent, 'id' | 'email' | 'name' | 'role'> }> {
    const agent = await this.agents
      .createQueryBuilder('a')
      .addSelect('a.passwordHash')
      .where('a.email = :email', { email: email.trim().toLowerCase() })
      .getOne();
    decoyHash ??= hashPassword('decoy password that matches nothing');
    const ok = await verifyPassword(agent?.passwordHash ?? (await decoyHash), password);
    if (!agent || !ok) throw unauthenticated('e-mail or password is wrong');
    if (!agent.active) throw unauthenticated('this agent account is deactivated');
    const claims: AccessTokenClaims = { sub: agent.id, role: agent.role };
    return {
      accessToken: await this.jwt.signAsync(claims),
      tokenType: 'Bearer',
      agent: { id: agent.id, email: agent.email, name: agent.name, role: agent.role },
    };
  }
}
