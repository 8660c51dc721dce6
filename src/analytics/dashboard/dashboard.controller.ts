import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Public } from '../../auth/scopes';
import { Clock } from '../../common/clock';
import { sendAsset } from '../../common/http/static-assets';
import { SAME_ORIGIN_ONLY_CSP } from '../../common/http/content-security-policy';
import { loadAssets } from './dashboard-assets';

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
  @Header('Content-Security-Policy', SAME_ORIGIN_ONLY_CSP)
  @Header('Cache-Control', 'no-store')
  page(): string {
    // The service's month (its Clock), so the default range follows the data, not the viewer's clock.
    const month = this.clock.now().toISOString().slice(0, 7);
    return this.assets.page.replace('{{CURRENT_MONTH}}', month);
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() response: Response): void {
    sendAsset(this.assets.files, name, response);
  }
}
