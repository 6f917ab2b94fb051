import type { Device } from '../catalog/schema.ts';
import { type Figure, given } from '../figure/figure.ts';
import { toSource } from '../figure/source.ts';

/**
 * Why a device's power figure is not a rated chip power, or undefined when it is. Every ratio or
 * energy figure built on the power carries this, so an estimate or a system share is never read
 * as a vendor's chip TDP.
 */
export function powerCaveat(device: Device): string | undefined {
  const p = device.power;
  const parts: string[] = [];
  if (p.scope === 'system-share')
    parts.push(
      `${device.name}: ${p.tdpWatts} W is a system share (a whole system's power divided by its chips, hosts and network included), not chip power`,
    );
  else if (p.scope === 'system') parts.push(`${device.name}: ${p.tdpWatts} W is the whole machine's power`);
  if (p.estimated) parts.push(`${device.name}: ${p.tdpWatts} W is an ESTIMATE (no published figure)`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** The device's power as a leaf Figure whose note says what it covers (estimate, system share). */
export function devicePowerFigure(device: Device, name = 'tdpWatts'): Figure {
  return given(name, device.power.tdpWatts, 'W', [toSource(device.power.source)], powerCaveat(device));
}

/** FLOPs per watt needs the chip's own power: a system share would mix in hosts and switches. */
export function isChipPower(device: Device): boolean {
  return device.power.scope !== 'system-share';
}
