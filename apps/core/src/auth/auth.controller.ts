import { Body, Controller, Get, HttpCode, Ip, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodPipe, ApiZodBody } from '@switchboard/common';
import { z } from 'zod';
import { CurrentAgent, Public, type AuthAgent } from './auth.decorators.js';
import { AuthService } from './auth.service.js';

const loginSchema = z.object({
  email: z.email().max(320),
  password: z.string().min(1).max(1024),
});

const changePasswordSchema = z
  .object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(10, 'must be at least 10 characters').max(1024) })
  .strict()
  .refine((b) => b.currentPassword !== b.newPassword, { message: 'must differ from the current password', path: ['newPassword'] });

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @ApiZodBody(loginSchema)
  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange an agent e-mail and password for an access token (JWT)' })
  login(@Body(new ZodPipe(loginSchema, 'login')) body: z.infer<typeof loginSchema>, @Ip() ip: string) {
    return this.auth.login(body.email, body.password, ip);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The agent behind the access token' })
  me(@CurrentAgent() agent: AuthAgent) {
    return agent;
  }

  @Patch('me/password')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiZodBody(changePasswordSchema)
  @ApiOperation({ summary: 'Change your own password (needs the current one)' })
  async changePassword(@CurrentAgent() agent: AuthAgent, @Body(new ZodPipe(changePasswordSchema, 'password change')) body: z.infer<typeof changePasswordSchema>) {
    await this.auth.changePassword(agent.id, body.currentPassword, body.newPassword);
  }
}
