import { Controller, Delete, Get, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { type GatewayRequest, UpstreamAccessGuard } from '../access/upstream-access.guard';
import { UpstreamLimitsGuard } from '../limits/upstream-limits.guard';
import { UpstreamProxy } from '../proxy/upstream-proxy';

/**
 * Each upstream's MCP endpoint, `/<name>/mcp` (its resource identifier's path): every Streamable
 * HTTP method, authenticated for that upstream, then passed through. Whether the upstream keeps
 * sessions or offers a GET stream is its business: its answer (or 405) comes back as it is.
 * Then the upstream's limits (rate limits, concurrency cap), for the caller now known.
 */
@Controller(':upstream/mcp')
export class GatewayController {
  constructor(@Inject(UpstreamProxy) private readonly proxy: UpstreamProxy) {}

  @Post()
  @UseGuards(UpstreamAccessGuard, UpstreamLimitsGuard)
  post(@Req() request: GatewayRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward(request, reply);
  }

  @Get()
  @UseGuards(UpstreamAccessGuard, UpstreamLimitsGuard)
  stream(@Req() request: GatewayRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward(request, reply);
  }

  @Delete()
  @UseGuards(UpstreamAccessGuard, UpstreamLimitsGuard)
  end(@Req() request: GatewayRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.proxy.forward(request, reply);
  }
}
