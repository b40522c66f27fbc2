/**
 * Parameters laid out end to end in one Float32Array (the model's declaration order): how weights go to the
 * workers and gradients come back through SharedArrayBuffers.
 */
import type { A2SModel } from '../../net/model.ts';

export interface ParamSlot {
  /** Our parameter name and the tfjs variable's (global) name. */
  name: string;
  varName: string;
  shape: number[];
  offset: number;
  size: number;
}

export interface ParamLayout {
  slots: ParamSlot[];
  /** Scalars in all. */
  total: number;
}

export function paramLayout(model: A2SModel): ParamLayout {
  const slots: ParamSlot[] = [];
  let offset = 0;
  for (const [name, v] of model.params.vars) {
    slots.push({ name, varName: v.name, shape: [...v.shape], offset, size: v.size });
    offset += v.size;
  }
  return { slots, total: offset };
}
