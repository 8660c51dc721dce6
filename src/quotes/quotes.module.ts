import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { QuotesController } from './quotes.controller';
import { QuotesService } from './quotes.service';

/** `POST /v1/quotes`: explicit rates, or a plan version for a usage profile. */
@Module({
  imports: [CatalogModule],
  controllers: [QuotesController],
  providers: [QuotesService],
})
export class QuotesModule {}
