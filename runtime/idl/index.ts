// The system's interfaces (see README.md in this folder).
export * from './layouts.ts';
export type { BDev } from './bdev.ts';
export type { NvmeBDev, NvmeBatch, NvmeStats } from './nvme.ts';
export type { Net, NetBatch, NetStats } from './net.ts';
export type { Echo, CreateEcho } from './test.ts';
