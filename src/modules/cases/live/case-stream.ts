import type { ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { EventBus } from '../../../platform/events/event-bus.ts';
import type { DomainEvent } from '../../../platform/events/domain-event.ts';
import type { HttpApp } from '../../../platform/http/http-server.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { AppError } from '../../../platform/errors/app-error.ts';
import { CASES_EVENTS } from '../cases.events.ts';
import { CASES_PERMISSIONS as P } from '../cases.permissions.ts';
import type { Actor } from '../cases.api.ts';
import type { CasesService } from '../cases.service.ts';

/** The case events a live view refreshes on (every cases.case.* event). */
export const LIVE_EVENTS: readonly string[] = Object.values(CASES_EVENTS).filter((n) => n.startsWith('cases.case.'));

/** What a viewer is told: which case changed and how; never personal data (they fetch the case if they want it). */
export interface LiveNotice {
  event: string;
  caseId: string;
  number: string;
  state: string;
  light: string;
  at: string;
}

interface Client {
  actor: Actor;
  res: ServerResponse;
}

export interface CaseStreamOptions {
  /** Streams end after this long; the browser reconnects and is authenticated again (a revoked session stops). */
  maxStreamMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs?: number;
  /** Most open streams per process; more are refused with 503. */
  maxClients?: number;
}

/**
 * Live case updates as server-sent events, each viewer receiving only cases in its data scope.
 * Fed by a broadcast subscription, so every server process tells its own viewers.
 */
export class CaseStream {
  private readonly clients = new Set<Client>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly maxStreamMs: number;
  private readonly heartbeatMs: number;
  private readonly maxClients: number;

  constructor(
    private readonly service: CasesService,
    private readonly logger: Logger,
    options: CaseStreamOptions = {},
  ) {
    this.maxStreamMs = options.maxStreamMs ?? 15 * 60_000;
    this.heartbeatMs = options.heartbeatMs ?? 25_000;
    this.maxClients = options.maxClients ?? 1_000;
  }

  /** Subscribe to the bus (before it starts). */
  attach(bus: EventBus): void {
    bus.subscribeBroadcast('cases.live-stream', LIVE_EVENTS, (event) => this.publish(event));
  }

  /** Open streams now (for tests and metrics). */
  get size(): number {
    return this.clients.size;
  }

  /** Tell every viewer who may see the case. One read of the case per event, whatever the number of viewers. */
  async publish(event: DomainEvent): Promise<void> {
    if (this.clients.size === 0) return;
    const caseId = typeof event.payload.caseId === 'string' ? event.payload.caseId : null;
    if (!caseId) return;
    const live = await this.service.liveNotice(caseId);
    if (!live) return;
    const data = JSON.stringify({ event: event.name, caseId, number: live.number, state: live.state, light: live.light, at: event.occurredAt } satisfies LiveNotice);
    for (const client of this.clients) {
      if (!live.visibleTo(client.actor)) continue;
      client.res.write(`id: ${event.seq}\nevent: case\ndata: ${data}\n\n`);
    }
  }

  /** Register `GET /api/v1/cases/stream`. */
  routes(app: HttpApp, actorOf: (request: FastifyRequest) => Actor): void {
    // Open streams would hold the server's close for minutes: end them first.
    app.addHook('preClose', async () => this.close());
    app.get('/api/v1/cases/stream', {
      config: { permission: P.read },
      schema: { tags: ['cases'], summary: 'Live case updates (server-sent events, `Accept: text/event-stream`): one `case` event per change of a case in your data scope, without personal data' },
    }, async (request, reply) => {
      const accept = request.headers.accept ?? '';
      if (!accept.includes('text/event-stream')) {
        throw new AppError({ code: 'NOT_ACCEPTABLE', status: 406, zh: '该接口以服务器推送事件（SSE）返回，请发送 Accept: text/event-stream', en: 'This route streams server-sent events; send Accept: text/event-stream' });
      }
      if (this.clients.size >= this.maxClients) {
        throw new AppError({ code: 'STREAM_BUSY', status: 503, zh: '实时推送连接已满，请稍后重试', en: 'Too many live streams; retry later' });
      }
      const client: Client = { actor: actorOf(request), res: reply.raw };
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      reply.raw.write('retry: 2000\nevent: ready\ndata: {}\n\n');
      this.clients.add(client);
      const heartbeat = setInterval(() => reply.raw.write(': ping\n\n'), this.heartbeatMs);
      const end = setTimeout(() => reply.raw.end(), this.maxStreamMs);
      heartbeat.unref();
      end.unref();
      this.timers.add(heartbeat).add(end);
      const done = () => {
        clearInterval(heartbeat);
        clearTimeout(end);
        this.timers.delete(heartbeat);
        this.timers.delete(end);
        this.clients.delete(client);
      };
      reply.raw.on('close', done);
      reply.raw.on('error', (err) => {
        this.logger.debug({ err }, 'live stream closed with an error');
        done();
      });
    });
  }

  /** End every stream (server shutdown). */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}
