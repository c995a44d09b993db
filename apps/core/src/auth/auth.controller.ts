import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodPipe, ApiZodBody } from '@switchboard/common';
import { z } from 'zod';
import { CurrentAgent, Public, type AuthAgent } from './auth.decorators.js';
import { AuthService } from './auth.service.js';

const loginSchema = z.object({
  email: z.email().max(320),
  password: z.string().min(1).max(1024),
});

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @ApiZodBody(loginSchema)
  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange an agent e-mail and password for an access token (JWT)' })
  login(@Body(new ZodPipe(loginSchema, 'login')) body: z.infer<typeof loginSchema>) {
    return this.auth.login(body.email, body.password);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The agent behind the access token' })
  me(@CurrentAgent() agent: AuthAgent) {
    return agent;
  }
}
