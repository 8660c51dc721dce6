import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { parseInput } from '../common/validation';
import { toAccuracyResponse } from './forecast-accuracy.response';
import { accuracyQuerySchema } from './forecast-accuracy.schema';
import { ForecastAccuracyService } from './forecast-accuracy.service';
import { toForecastResponse } from './forecast.response';
import { ForecastsService } from './forecasts.service';

@ApiTags('forecasts')
@ApiBearerAuth()
@Controller()
export class ForecastsController {
  constructor(
    private readonly forecasts: ForecastsService,
    private readonly accuracy: ForecastAccuracyService,
  ) {}

  @Get('v1/subscriptions/:id/forecast')
  async forecast(@Param('id') id: string) {
    return toForecastResponse(await this.forecasts.forecastSubscription(id));
  }

  /** WAPE of the forecast method and of the run-rate over past intervals (backtest.ts). */
  @Get('v1/forecasts/accuracy')
  async forecastAccuracy(@Query() query: unknown) {
    return toAccuracyResponse(await this.accuracy.accuracy(parseInput(accuracyQuerySchema, query)));
  }
}
