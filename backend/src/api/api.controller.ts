import { Controller, Get, Header, Param, Query, BadRequestException, HttpCode, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Address, Hex } from 'viem';
import { MetricsService } from '../metrics/metrics.service.js';
import { ParseAddressPipe, ParseJobIdPipe } from './address.pipe.js';
import { VaultQueryService } from './vault-query.service.js';

@ApiTags('vaults')
@Controller('api/vaults')
export class VaultsController {
  constructor(private readonly query: VaultQueryService) {}

  @Get()
  @ApiOperation({ summary: 'Every watched vault with live state: share price, NAV, leverage vs band, health, oracle age, last decision' })
  list() {
    return this.query.list();
  }

  @Get(':address')
  @ApiOperation({ summary: 'One vault, live' })
  @ApiParam({ name: 'address', description: 'Vault address (0x + 40 hex digits)' })
  @ApiResponse({ status: 400, description: 'Malformed address' })
  @ApiResponse({ status: 404, description: 'Vault not watched by this service' })
  get(@Param('address', ParseAddressPipe) address: Address) {
    return this.query.get(address);
  }

  @Get(':address/history')
  @ApiOperation({ summary: 'Rebalances and delevers of the vault, newest first, from its events' })
  @ApiQuery({ name: 'fromBlock', required: false, description: 'First block to search (default: the last 50,000)' })
  history(@Param('address', ParseAddressPipe) address: Address, @Query('fromBlock') fromBlock?: string) {
    if (fromBlock !== undefined && !/^\d+$/.test(fromBlock)) throw new BadRequestException(`fromBlock must be a block number, got "${fromBlock}"`);
    return this.query.history(address, fromBlock === undefined ? undefined : BigInt(fromBlock));
  }

  @Get(':address/plan')
  @ApiOperation({ summary: 'What the policy would do now for each module (a dry run: nothing is enqueued)' })
  plan(@Param('address', ParseAddressPipe) address: Address) {
    return this.query.plan(address);
  }
}

@ApiTags('jobs')
@Controller('api/jobs')
export class JobsController {
  constructor(private readonly query: VaultQueryService) {}

  @Get(':jobId')
  @ApiOperation({ summary: "An executor job's queue state and its intent record (nonce, transactions, receipt, error)" })
  @ApiResponse({ status: 400, description: 'Malformed job id' })
  @ApiResponse({ status: 404, description: 'Unknown job' })
  get(@Param('jobId', ParseJobIdPipe) jobId: Hex) {
    return this.query.job(jobId);
  }
}

@ApiTags('operations')
@Controller()
export class OperationsController {
  constructor(
    private readonly query: VaultQueryService,
    private readonly metrics: MetricsService,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Redis, RPC, chain head lag and live workers; 503 when any check fails' })
  async health(@Res({ passthrough: true }) res: { status(code: number): unknown }) {
    const report = await this.query.health();
    if (!report.ok) res.status(503);
    return report;
  }

  @Get('metrics')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; version=0.0.4')
  @ApiOperation({ summary: 'Prometheus metrics of this process' })
  metricsText() {
    return this.metrics.registry.metrics();
  }
}
