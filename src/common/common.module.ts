import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { CustomerListeners } from './customer-listeners.service';
import { ShutdownService } from './shutdown.service';

@Global()
@Module({})
export class CommonModule {
  /** The system clock, or one the caller moves (the demo, benchmarks, tests). */
  static register(clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: CommonModule,
      providers: [{ provide: Clock, useValue: clock }, CustomerListeners, ShutdownService],
      exports: [Clock, CustomerListeners, ShutdownService],
    };
  }
}
