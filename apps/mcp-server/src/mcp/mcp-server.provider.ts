import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { HeadlineStore } from '../sentiment/headline-store.service';
import { WatchlistService } from '../watchlist/watchlist.service';
import { registerTools } from './mcp-tools';
import { StatelessDispatcher } from './stateless-dispatcher';

export const SERVER_INFO = { name: 'portcullis-sentiment', version: '0.1.0' };

/** The one McpServer of this process, connected once to the stateless dispatcher. */
@Injectable()
export class McpServerHost implements OnApplicationShutdown {
  readonly server = new McpServer(SERVER_INFO, {
    capabilities: { tools: { listChanged: false } },
    instructions: 'Financial news sentiment: score text, read ticker sentiment, keep a watchlist.',
  });
  readonly dispatcher = new StatelessDispatcher();
  private connected?: Promise<void>;
  private connectedNow = false;

  constructor(headlines: HeadlineStore, watchlists: WatchlistService) {
    registerTools(this.server, { headlines, watchlists });
  }

  ready(): Promise<void> {
    this.connected ??= this.server.connect(this.dispatcher).then(() => {
      this.connectedNow = true;
    });
    return this.connected;
  }

  /** Connected: a request need not wait (an await of a settled promise still costs a microtask turn). */
  get isReady(): boolean {
    return this.connectedNow;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.close();
  }
}
