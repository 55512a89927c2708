import { convertWeightsOperation } from "./convert-weights";
import { pushOperation } from "./push";
import { repairOperation } from "./repair";
import { verifyLoadOperation } from "./verify-load";

/** Every operation the app runs as a job, by kind. */
export const OPERATIONS = {
  repair: repairOperation,
  "convert-weights": convertWeightsOperation,
  "verify-load": verifyLoadOperation,
  push: pushOperation,
};

export type AppOperations = typeof OPERATIONS;
export type OperationKind = keyof AppOperations;
