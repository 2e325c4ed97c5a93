import type { CityLoop } from './compose.ts';
import type { HttpApp } from '../platform/http/http-server.ts';

/** Start serving HTTP; resolves with the URL once listening. */
export async function serve(app: CityLoop): Promise<{ http: HttpApp; url: string }> {
  const http = await app.http();
  const address = await http.listen({ port: app.config.port, host: app.config.host });
  const url = address.replace('0.0.0.0', 'localhost').replace('127.0.0.1', 'localhost');
  return { http, url };
}
