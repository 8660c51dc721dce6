import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Public } from '../auth/scopes';
import {
  CSS,
  JAVASCRIPT,
  publicDirectory,
  readAssets,
  sendAsset,
} from '../common/http/static-assets';
import { ASSETS_PATH } from './page/page-layout';

/** The usage page's own script and stylesheet: the only files its pages load. */
@ApiExcludeController()
@Public()
@Controller(ASSETS_PATH)
export class UsagePageAssetsController {
  private readonly files = readAssets(
    publicDirectory(__dirname, 'src/usage-page', 'usage-page.js'),
    [
      ['usage-page.js', JAVASCRIPT],
      ['usage-page.css', CSS],
    ],
  );

  @Get(':name')
  asset(@Param('name') name: string, @Res() response: Response): void {
    sendAsset(this.files, name, response);
  }
}
