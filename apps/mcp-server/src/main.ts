import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { createHttpApp } from '@portcullis/http';

@Controller()
class PlaceholderController {
  @Get('health/live')
  live() {
    return { status: 'ok' };
  }
}

@Module({ controllers: [PlaceholderController] })
class PlaceholderModule {}

async function main() {
  const app = await createHttpApp(PlaceholderModule);
  await app.listen(Number(process.env.PORT ?? 0), '0.0.0.0');
}
void main();
