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

/**
 * The matmul peaks inference runs against: the device's measured maximum achievable matmul rate (catalog
 * `compute.achievable`, MAMF) for the dtypes it lists, the dense peak for the rest. Training and audits keep
 * the dense peak, against which MFU is defined.
 */
export function matmulPeaks(device: Device): DenseTflops {
  const achieved = device.compute.achievable?.tflops;
  return achieved === undefined ? device.compute.denseTflops : { ...device.compute.denseTflops, ...achieved };
}

/** `peakFlopsFigure` at the rate inference runs against (`matmulPeaks`), naming the measurement when it is one. */
export function matmulPeakFigure(device: Device, dtype: keyof DenseTflops): Figure {
  const achieved = device.compute.achievable;
  const tflops = achieved?.tflops[dtype];
  if (achieved === undefined || tflops === undefined) return peakFlopsFigure(device, dtype);
  return given(
    `peakFlops(${dtype}, achievable matmul)`,
    tflops * 1e12,
    'FLOP/s',
    [deviceSource(achieved.source), deviceSource(device.compute.source)],
    `${device.name}, ${dtype} maximum achievable matmul rate measured (dense peak ${device.compute.denseTflops[dtype] ?? '?'} TFLOP/s)`,
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
