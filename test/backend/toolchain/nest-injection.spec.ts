import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';

@Injectable()
class Clock {
  now(): bigint {
    return 1_700_000_000n;
  }
}

@Injectable()
class UsesClock {
  constructor(readonly clock: Clock) {}
}

// Guards the jest + swc set-up: without decorator metadata Nest injects `undefined` here.
describe('NestJS constructor injection under jest + @swc/jest (ESM)', () => {
  it('injects a dependency by its constructor type', async () => {
    const moduleRef = await Test.createTestingModule({ providers: [Clock, UsesClock] }).compile();
    const service = moduleRef.get(UsesClock);
    expect(service.clock).toBeInstanceOf(Clock);
    expect(service.clock.now()).toBe(1_700_000_000n);
    await moduleRef.close();
  });
});
