import { cloneOperation } from "./clone";
import { convertWeightsOperation } from "./convert-weights";
import { fetchShardsOperation } from "./fetch-shards";
import { fixModelOperation } from "./fix-model";
import { pullOperation } from "./pull";
import { pushOperation } from "./push";
import { repairOperation } from "./repair";
import { verifyLoadOperation } from "./verify-load";

/** Every operation the app runs as a job, by kind. */
export const OPERATIONS = {
  pull: pullOperation,
  clone: cloneOperation,
  repair: repairOperation,
  "convert-weights": convertWeightsOperation,
  "verify-load": verifyLoadOperation,
  fix: fixModelOperation,
  push: pushOperation,
  "fetch-shards": fetchShardsOperation,
};

export type AppOperations = typeof OPERATIONS;
export type OperationKind = keyof AppOperations;
