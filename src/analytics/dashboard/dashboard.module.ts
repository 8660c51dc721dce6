import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';

/** The leadership dashboard page and its static files; its data comes from the analytics API. */
@Module({ controllers: [DashboardController] })
export class DashboardModule {}
