import { WhetError } from "../errors";

/** Why Whetstone will not read an entry of a model folder. */
export type UnsafeReason = "link-outside" | "link-to-folder" | "link-loop" | "not-regular-file" | "too-large" | "too-deep" | "too-many-entries";

/** An entry of a model folder that was not read or walked, and why; `path` is relative to the folder. */
export interface UnsafeEntry {
  path: string;
  reason: UnsafeReason;
}

const WHAT: Record<UnsafeReason, string> = {
  "link-outside": "is a link to something outside the model folder",
  "link-to-folder": "is a link to a folder (links to folders are not followed)",
  "link-loop": "is a link that loops back on itself",
  "not-regular-file": "is not a regular file (a FIFO, socket, device or folder)",
  "too-large": "is larger than Whetstone reads for a file of its kind",
  "too-deep": "lies too many folders deep to be walked",
  "too-many-entries": "holds more entries than Whetstone walks in one model folder",
};

/** What is wrong, without the entry's name: "is a link to something outside the model folder". */
export function unsafeReasonText(reason: UnsafeReason): string {
  return WHAT[reason];
}

/** A sentence part naming the problem with an entry, e.g. "config.json is a link to …". */
export function describeUnsafe(entry: UnsafeEntry): string {
  return `${entry.path} ${WHAT[entry.reason]}`;
}

export function unsafeFileError(entry: UnsafeEntry): WhetError {
  return new WhetError(
    "unsafe_file",
    `${describeUnsafe(entry)}; Whetstone does not read it`,
    "Replace it with a regular file inside the model folder (download the model again), or remove it.",
    { file: entry.path, reason: entry.reason },
  );
}

export function isUnsafeFileError(error: unknown): error is WhetError & { details: { file: string; reason: UnsafeReason } } {
  return error instanceof WhetError && error.code === "unsafe_file";
}
