import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Public } from '../../auth/scopes';
import { Clock } from '../../common/clock';
import { NotFoundError } from '../../common/errors';
import { loadAssets } from './dashboard-assets';

/**
 * Nothing the page may load comes from another origin: the chart library and
 * the page's script are served here, and the data from this service's API.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The leadership dashboard. Public on purpose: it is a static shell holding no
 * data; its script asks for an API key and reads every figure from the API
 * with it (scope `read`), so the data stays behind the key.
 */
@ApiExcludeController()
@Public()
@Controller('dashboard')
export class DashboardController {
  private readonly assets = loadAssets();

  constructor(private readonly clock: Clock) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  @Header('Cache-Control', 'no-store')
  page(): string {
    // The service's month (its Clock), so the default range follows the data, not the viewer's clock.
    const month = this.clock.now().toISOString().slice(0, 7);
    return this.assets.page.replace('{{CURRENT_MONTH}}', month);
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() response: Response): void {
    const asset = this.assets.files.get(name);
    if (!asset) throw new NotFoundError('dashboard asset', name);
    response.type(asset.contentType).setHeader('Cache-Control', 'public, max-age=300');
    response.send(asset.body);
  }
}
