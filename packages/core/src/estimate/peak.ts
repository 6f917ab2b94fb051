import type { DenseTflops, Device } from '../catalog/schema.ts';
import { InputError } from '../errors/clearbox-error.ts';
import { type Figure, given } from '../figure/figure.ts';
import { toSource } from '../figure/source.ts';

/** A device fact's source (the catalog's source shape) as a Source. */
export const deviceSource = toSource;

/** Dense peak FLOP/s of one device at a dtype, as a Figure naming the dtype and "dense". */
export function peakFlopsFigure(device: Device, dtype: keyof DenseTflops): Figure {
  const tflops = device.compute.denseTflops[dtype];
  if (tflops === undefined) {
    const available = Object.keys(device.compute.denseTflops).join(', ');
    throw new InputError(`${device.id} lists no ${dtype} peak (it has: ${available})`, '--dtype');
  }
  return given(
    `peakFlops(${dtype}, dense)`,
    tflops * 1e12,
    'FLOP/s',
    [deviceSource(device.compute.source)],
    `${device.name}, ${dtype} dense peak per device`,
  );
}

export function memoryBandwidthFigure(device: Device): Figure {
  return given(
    'memoryBandwidth',
    device.memory.bandwidthGBs * 1e9,
    'B/s',
    [deviceSource(device.memory.source)],
    device.name,
  );
}

export function memoryCapacityFigure(device: Device): Figure {
  return given(
    'memoryCapacity',
    device.memory.capacityGB * 1e9,
    'B',
    [deviceSource(device.memory.source)],
    device.name,
  );
}
