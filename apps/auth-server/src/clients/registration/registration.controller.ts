import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OAuthError } from '@portcullis/oauth';
import { RegistrationService } from './registration.service';

/** RFC 7591 §3.1: "a JSON document"; any other media type is refused before it is read. */
function requireJson(request: FastifyRequest): void {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new OAuthError('invalid_request', 'registration requests must be application/json (RFC 7591 §3.1)', 415);
  }
}

/**
 * The registration endpoint (RFC 7591 §3) and client configuration endpoint (RFC 7592 §2).
 * Responses carry credentials, so nothing is cached (RFC 7591 §3.2.1).
 */
@Controller('register')
export class RegistrationController {
  constructor(private readonly registration: RegistrationService) {}

  @Post()
  @HttpCode(201)
  @Header('cache-control', 'no-store')
  @Header('pragma', 'no-cache')
  register(@Req() request: FastifyRequest, @Body() body: unknown) {
    requireJson(request);
    return this.registration.register(body, request.headers.authorization, request.ip);
  }

  @Get(':clientId')
  @Header('cache-control', 'no-store')
  @Header('pragma', 'no-cache')
  read(@Req() request: FastifyRequest, @Param('clientId') clientId: string) {
    return this.registration.read(clientId, request.headers.authorization);
  }

  @Put(':clientId')
  @Header('cache-control', 'no-store')
  @Header('pragma', 'no-cache')
  update(@Req() request: FastifyRequest, @Param('clientId') clientId: string, @Body() body: unknown) {
    requireJson(request);
    return this.registration.update(clientId, request.headers.authorization, body);
  }

  @Delete(':clientId')
  @HttpCode(204)
  @Header('cache-control', 'no-store')
  async remove(@Req() request: FastifyRequest, @Param('clientId') clientId: string): Promise<void> {
    await this.registration.remove(clientId, request.headers.authorization);
  }
}
