import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { getAddress, isAddress, isHex, type Address, type Hex } from 'viem';

/** Parses a path parameter as an address; a malformed one is a 400 that says what was wrong. */
@Injectable()
export class ParseAddressPipe implements PipeTransform<string, Address> {
  transform(value: string): Address {
    if (!isAddress(value, { strict: false })) {
      throw new BadRequestException(`"${value}" is not an address (expected 0x followed by 40 hex digits)`);
    }
    return getAddress(value);
  }
}

/** Parses a job id: the 32-byte hex shared by BullMQ and the vault's replay guard. */
@Injectable()
export class ParseJobIdPipe implements PipeTransform<string, Hex> {
  transform(value: string): Hex {
    if (!isHex(value) || value.length !== 66) {
      throw new BadRequestException(`"${value}" is not a job id (expected 0x followed by 64 hex digits)`);
    }
    return value.toLowerCase() as Hex;
  }
}
